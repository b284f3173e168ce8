"""Knowledge-base fixtures: a database holding the demo FAQ."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import sessionmaker

from bot.knowledge.demo import seed_faq


@pytest.fixture
def faq_factory(session_factory: sessionmaker) -> sessionmaker:
    """The session factory of a database seeded with the demo FAQ."""
    with session_factory.begin() as session:
        seed_faq(session=session)
    return session_factory
