"""Wait for a wake-up or a timeout, whichever comes first, without losing a cancellation.

Python 3.10's `asyncio.wait_for` can swallow the cancellation of the task that awaits it when
the inner wait finishes at the same moment (bpo-42130): a background loop cancelled on stop
would then run on. `asyncio.wait` does not.
"""

from __future__ import annotations

import asyncio


async def woken_or_timeout(event: asyncio.Event, timeout: float) -> None:
    """Return when `event` is set or after `timeout` seconds."""
    waiter = asyncio.ensure_future(event.wait())
    try:
        await asyncio.wait({waiter}, timeout=max(timeout, 0.0))
    finally:
        waiter.cancel()
