"""Delivering the outbox: one worker per push channel, in order, within the channel's limits.

A channel supplies `send(outgoing)` and translates its API's errors into the exceptions
below; the worker claims due rows (compare-and-set, so several gateway replicas can run one),
sends each contact's replies in id order, honours the channel's `retry_after`, backs off
exponentially on temporary errors, stops at a contact that blocked the bot, and gives up
after `max_attempts`. Rate limits are per process: with several replicas, divide them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import sessionmaker

from bot.db.base import utcnow
from bot.db.engine import run_db
from bot.inbox import outbox
from bot.inbox.outbox import Outgoing
from bot.inbox.wakeup import woken_or_timeout
from bot.logging_setup import mask_identifier

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Sleep = Callable[[float], Awaitable[None]]


class DeliveryError(Exception):
    """A send failed; `parts_sent` says how many parts of a split message did go out."""

    def __init__(self, message: str, *, parts_sent: int = 0) -> None:
        super().__init__(message)
        self.parts_sent = parts_sent


class RetryLater(DeliveryError):
    """The channel asked us to wait (HTTP 429): retry after `retry_after` seconds."""

    def __init__(self, message: str, *, retry_after: float, parts_sent: int = 0) -> None:
        super().__init__(message, parts_sent=parts_sent)
        self.retry_after = retry_after


class TemporaryFailure(DeliveryError):
    """A 5xx or network error: retry with exponential backoff."""


class RecipientGone(DeliveryError):
    """The user blocked the bot or deleted the chat: stop sending to this contact."""


class PermanentFailure(DeliveryError):
    """The channel rejected this message for good (e.g. a malformed request)."""


@dataclass(frozen=True)
class SenderPolicy:
    """Limits and timings of an outbox worker (defaults fit Telegram's published limits)."""

    messages_per_second: float = 30.0
    per_chat_interval_seconds: float = 1.0
    max_attempts: int = 8
    backoff_base_seconds: float = 2.0
    backoff_max_seconds: float = 600.0
    lease_seconds: float = 120.0
    batch_size: int = 50
    concurrency: int = 8
    idle_poll_seconds: float = 2.0

    def backoff(self, attempts: int) -> float:
        """Return the delay after the `attempts`-th failed try: base * 2^(n-1), capped."""
        return float(
            min(self.backoff_max_seconds, self.backoff_base_seconds * 2 ** max(0, attempts - 1))
        )


class RateLimiter:
    """A token bucket (global rate) plus a minimum interval per chat, on an injectable clock."""

    def __init__(self, rate: float, per_key_interval: float, clock: Clock, sleep: Sleep) -> None:
        self._rate = rate
        self._per_key = per_key_interval
        self._clock = clock
        self._sleep = sleep
        self._tokens = max(1.0, rate)
        self._updated: datetime | None = None
        self._last_by_key: dict[object, datetime] = {}
        self._lock = asyncio.Lock()

    def waiting(self) -> dict[object, float]:
        """Return the keys that may not send yet, with the seconds each has to wait."""
        waits = {key: self.ready_in(key) for key in list(self._last_by_key)}
        return {key: wait for key, wait in waits.items() if wait > 0}

    def ready_in(self, key: object) -> float:
        """Seconds until `key` may send again (0 when it may send now)."""
        last = self._last_by_key.get(key)
        if last is None or self._per_key <= 0:
            return 0.0
        return max(0.0, self._per_key - (self._clock() - last).total_seconds())

    async def acquire(self, key: object) -> None:
        """Wait for a global token, then record a send to `key`."""
        async with self._lock:
            while True:
                now = self._clock()
                if self._updated is not None:
                    elapsed = max(0.0, (now - self._updated).total_seconds())
                    self._tokens = min(max(1.0, self._rate), self._tokens + elapsed * self._rate)
                self._updated = now
                if self._tokens >= 1.0 - 1e-6 or self._rate <= 0:
                    self._tokens = max(0.0, self._tokens - 1.0)
                    break
                # at least a millisecond: the clock's resolution is a microsecond
                await self._sleep(max(0.001, (1.0 - self._tokens) / self._rate))
            self._last_by_key[key] = self._clock()
            if len(self._last_by_key) > 10_000:  # forget chats that went quiet
                cutoff = self._clock() - timedelta(seconds=max(self._per_key, 1.0))
                self._last_by_key = {k: t for k, t in self._last_by_key.items() if t > cutoff}


class OutboxSender:
    """Deliver one channel's pending outbox rows."""

    def __init__(
        self,
        factory: sessionmaker,
        channel: str,
        send: Callable[[Outgoing], Awaitable[None]],
        *,
        policy: SenderPolicy | None = None,
        clock: Clock = utcnow,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._factory = factory
        self._channel = channel
        self._send = send
        self._policy = policy or SenderPolicy()
        self._clock = clock
        self._limiter = RateLimiter(
            self._policy.messages_per_second,
            self._policy.per_chat_interval_seconds,
            clock,
            sleep,
        )
        self._wake = asyncio.Event()
        self._sending: set[int] = set()

    def wake(self) -> None:
        """Ask the worker to look for new rows now (new replies were queued)."""
        self._wake.set()

    async def run_once(self) -> int:
        """Claim the due rows (one per contact) and try them; return how many were tried."""
        policy = self._policy
        waiting = self._limiter.waiting()
        claimed = await run_db(
            outbox.claim_due,
            factory=self._factory,
            channel=self._channel,
            now=self._clock(),
            lease=timedelta(seconds=policy.lease_seconds),
            limit=policy.batch_size,
            exclude_contacts=frozenset(key for key in waiting if isinstance(key, int)),
        )
        if not claimed:
            return 0
        self._sending.update(item.id for item in claimed)
        gate = asyncio.Semaphore(policy.concurrency)

        async def deliver(item: Outgoing) -> None:
            async with gate:
                await self._deliver(item)
            self._sending.discard(item.id)

        await asyncio.gather(*(deliver(item) for item in claimed))
        return len(claimed)

    async def _deliver(self, item: Outgoing) -> None:
        wait = self._limiter.ready_in(item.contact_id)
        if wait > 0:  # this chat had a message less than a second ago: requeue, keep the order
            await self._requeue(item, self._clock() + timedelta(seconds=wait), "per-chat limit")
            return
        await self._limiter.acquire(item.contact_id)
        who = mask_identifier(item.recipient)
        try:
            await self._send(item)
        except RetryLater as exc:
            logger.warning("%s: 429 for %s, retry in %ss", self._channel, who, exc.retry_after)
            at = self._clock() + timedelta(seconds=exc.retry_after)
            await self._requeue(item, at, str(exc), exc.parts_sent)
        except RecipientGone as exc:
            logger.info("%s: %s blocked the bot; contact marked inactive", self._channel, who)
            await run_db(
                outbox.deactivate_contact,
                factory=self._factory,
                contact_id=item.contact_id,
                error=f"recipient gone: {exc}",
            )
        except PermanentFailure as exc:
            logger.error("%s: message %s rejected: %s", self._channel, item.id, exc)
            await self._fail(item, str(exc), exc.parts_sent)
        except Exception as exc:  # noqa: BLE001 - TemporaryFailure and anything unforeseen
            parts_sent = exc.parts_sent if isinstance(exc, DeliveryError) else 0
            if item.attempts >= self._policy.max_attempts:
                logger.error("%s: message %s failed for good: %s", self._channel, item.id, exc)
                await self._fail(item, f"gave up after {item.attempts} attempts: {exc}", parts_sent)
                return
            delay = self._policy.backoff(item.attempts)
            logger.warning("%s: message %s retry in %ss: %s", self._channel, item.id, delay, exc)
            at = self._clock() + timedelta(seconds=delay)
            await self._requeue(item, at, str(exc) or exc.__class__.__name__, parts_sent)
        else:
            await run_db(
                outbox.mark_sent,
                factory=self._factory,
                outbound_id=item.id,
                now=self._clock(),
            )

    async def _requeue(
        self, item: Outgoing, at: datetime, error: str, parts_sent: int | None = None
    ) -> None:
        await run_db(
            outbox.reschedule,
            factory=self._factory,
            outbound_id=item.id,
            at=at,
            error=error,
            parts_sent=item.parts_sent if parts_sent is None else max(parts_sent, item.parts_sent),
        )

    async def _fail(self, item: Outgoing, error: str, parts_sent: int) -> None:
        await run_db(
            outbox.mark_failed,
            factory=self._factory,
            outbound_id=item.id,
            error=error,
            parts_sent=max(parts_sent, item.parts_sent),
        )

    async def run(self) -> None:
        """Send forever: right away when woken or when rows were sent, else at the next due time."""
        while True:
            self._wake.clear()
            try:
                tried = await self.run_once()
                if tried:
                    continue
                due = await run_db(outbox.next_due_at, factory=self._factory, channel=self._channel)
            except Exception:  # noqa: BLE001 - keep the worker alive; the next pass retries
                logger.exception("%s: outbox pass failed", self._channel)
                tried, due = 0, None
            timeout = self._policy.idle_poll_seconds
            if due is not None:
                until_due = (due - self._clock()).total_seconds()
                if until_due <= 0:  # due but held back by the per-chat limit
                    until_due = min(self._limiter.waiting().values(), default=timeout)
                timeout = min(timeout, until_due)
            await woken_or_timeout(self._wake, max(timeout, 0.01))

    async def close(self) -> None:
        """Give back the leases of replies claimed but not sent (call after cancelling `run`).

        A send cut off mid-request may have reached the citizen: such a reply can arrive twice,
        never not at all.
        """
        ids, self._sending = list(self._sending), set()
        released = await run_db(
            outbox.release, factory=self._factory, outbound_ids=ids, now=self._clock()
        )
        if released:
            logger.info("%s: gave back %s reply lease(s)", self._channel, released)
