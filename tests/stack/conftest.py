"""The real product on free local ports: Rasa (trained model), action server and gateway."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.helpers.stack import RunningStack, latest_model_or_skip, start_stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory) -> Iterator[RunningStack]:
    """Start the three processes once for all stack tests, on a freshly seeded database."""
    model = latest_model_or_skip()
    running = start_stack(tmp_path_factory.mktemp("stack"), model)
    try:
        if not running.processes.wait_healthy(timeout_seconds=300):
            pytest.fail(f"the stack did not become healthy\n{running.logs()}")
        yield running
    finally:
        running.processes.stop()
