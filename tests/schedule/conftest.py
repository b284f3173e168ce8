"""Schedule fixtures: a fixed clock and a database holding the demo data."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.schedule.demo import seed_demo

# Saturday 28 November 2026, 10.00 WIB.
NOW = datetime(2026, 11, 28, 3, 0, tzinfo=timezone.utc)


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def seeded(session, now):
    """A session on a database holding the demo data seeded at `now`."""
    seed_demo(session=session, now=now)
    session.flush()
    return session
