"""Fixtures for action tests: a demo-seeded database and contexts with a fixed clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import sessionmaker

from actions.common import ActionContext, PassportAction
from bot.schedule.demo import seed_demo

# Wednesday 2 December 2026, 09.00 WIB: an ordinary open working day.
NOW = datetime(2026, 12, 2, 2, 0, tzinfo=timezone.utc)


@pytest.fixture
def seeded_factory(session_factory: sessionmaker) -> sessionmaker:
    """The session factory of a database seeded with the demo data as of NOW."""
    with session_factory.begin() as session:
        seed_demo(session=session, now=NOW)
    return session_factory


@pytest.fixture
def context_at(seeded_factory: sessionmaker) -> Callable[[datetime], ActionContext]:
    """Make a context on the seeded database whose clock stands still at the given time."""

    def make(when: datetime) -> ActionContext:
        return ActionContext(factory=seeded_factory, clock=lambda: when)

    return make


@pytest.fixture
def context(context_at: Callable[[datetime], ActionContext]) -> ActionContext:
    return context_at(NOW)


@pytest.fixture
def empty_context(session_factory: sessionmaker) -> ActionContext:
    """A context on a migrated database with no data at all."""
    return ActionContext(factory=session_factory, clock=lambda: NOW)


async def run_action(
    action: PassportAction, tracker: Tracker
) -> tuple[list[EventType], list[dict]]:
    """Run an action and return its events and the messages it sent."""
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, {})
    return events, dispatcher.messages
