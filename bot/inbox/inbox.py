"""The inbox: every channel hands its messages here; each reaches Rasa once, in order, or a person.

- `receive` records a message (once per contact and message id) and, when no earlier message
  of the contact is unfinished, claims and processes it: right away for the caller
  (`wait=True`, the web chat) or in a background task (push channels).
- `run` is the drain loop: it takes over what nobody is processing (messages queued behind an
  earlier one, retries that are due, claims whose worker died), several contacts at a time.
- When Rasa or the action server is down, messages wait without spending their retry budget:
  one message probes every few seconds, and once it gets through the backlog drains at full
  speed. Failures of one message count against its budget; when it runs out, the citizen is
  told plainly and the message is kept for a person (`given_up`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import sessionmaker

from bot.db.base import utcnow
from bot.db.engine import run_db
from bot.inbox import answers, store, texts
from bot.inbox.messages import Inbound, InboxResult, Outcome, Reply
from bot.inbox.models import HandledBy, InboundStatus
from bot.inbox.rasa_client import RasaClient, RasaFailed, RasaUnavailable
from bot.inbox.splitting import fit_to_channel
from bot.inbox.wakeup import woken_or_timeout
from bot.logging_setup import mask_identifier

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class InboxPolicy:
    """Timings and limits of the inbox."""

    lease_seconds: float = 90.0  # must exceed the Rasa timeout: a live claim never expires
    failure_budget: int = 5  # failures of one message before a person takes it
    backoff_seconds: tuple[float, ...] = (2.0, 4.0, 8.0, 16.0, 32.0)
    probe_seconds: float = 2.0  # while the stack is down: one message tries this often
    poll_seconds: float = 1.0  # the drain loop looks for work at least this often
    concurrency: int = 8  # contacts drained at once

    def backoff(self, failures: int) -> float:
        return self.backoff_seconds[min(failures, len(self.backoff_seconds)) - 1]


@dataclass
class ChannelHooks:
    """What the inbox needs to know of a channel."""

    push: bool  # replies are sent by an outbox sender (else the client fetches them)
    max_text_chars: int | None  # longer texts are split into messages of at most this size
    pack_turn: bool = False  # a turn's texts are also packed into as few messages as fit
    replies_ready: Callable[[], None] = lambda: None  # wake the channel's sender


@dataclass
class _Circuit:
    """Whether the stack behind the inbox (Rasa, action server) is down, and when to probe."""

    down_since: datetime | None = None
    next_probe: datetime | None = None

    @property
    def down(self) -> bool:
        return self.down_since is not None


@dataclass
class _Work:
    """What this process is processing now."""

    tasks: dict[asyncio.Task, store.Claim] = field(default_factory=dict)
    contacts: set[int] = field(default_factory=set)


class Inbox:
    """Normalised messages in; replies into the outbox."""

    def __init__(
        self,
        factory: sessionmaker,
        rasa: RasaClient,
        *,
        policy: InboxPolicy | None = None,
        clock: Clock = utcnow,
    ) -> None:
        self._factory = factory
        self._rasa = rasa
        self._policy = policy or InboxPolicy()
        self._clock = clock
        self._channels: dict[str, ChannelHooks] = {}
        self._circuit = _Circuit()
        self._work = _Work()
        self._wake = asyncio.Event()
        self._closing = False

    @property
    def lease(self) -> timedelta:
        return timedelta(seconds=self._policy.lease_seconds)

    def add_channel(self, name: str, hooks: ChannelHooks) -> None:
        self._channels[name] = hooks

    # ----- receiving -------------------------------------------------------------------------

    async def receive(self, message: Inbound, *, wait: bool) -> InboxResult:
        """Record a message and process it (awaited when `wait`); see the module docstring.

        Raises PayloadRefused for a button this contact was not offered.
        """
        recorded = await run_db(
            store.record, factory=self._factory, message=message, now=self._clock(),
            lease=self.lease,
        )  # fmt: skip
        mid = message.message_id
        if recorded.duplicate:
            logger.info(
                "duplicate %s message %s from %s",
                message.channel, mid, mask_identifier(message.user_id),
            )  # fmt: skip
            if recorded.status in (InboundStatus.RECEIVED, InboundStatus.PROCESSING):
                return InboxResult(Outcome.PROCESSING, recorded.replies, message_id=mid)
            if recorded.status == InboundStatus.RETRYING:
                return InboxResult(Outcome.RETRYING, message_id=mid, retry_after_seconds=5)
            return InboxResult(Outcome.DUPLICATE, recorded.replies, message_id=mid)
        if recorded.claim is None:
            self._wake.set()
            return InboxResult(Outcome.QUEUED, message_id=mid)
        if self._closing:  # recorded; the next worker answers it
            await self._release([recorded.claim])
            return InboxResult(Outcome.RETRYING, message_id=mid, retry_after_seconds=5)
        task = self._start(recorded.claim, wait=wait)
        if not wait:
            return InboxResult(Outcome.PROCESSING, message_id=mid)
        return await asyncio.shield(task)

    def _start(self, claim: store.Claim, *, wait: bool) -> asyncio.Task:
        task = asyncio.create_task(self._process(claim, wait=wait))
        self._work.tasks[task] = claim
        self._work.contacts.add(claim.contact_id)

        def done(finished: asyncio.Task) -> None:
            self._work.tasks.pop(finished, None)
            self._work.contacts.discard(claim.contact_id)
            self._wake.set()  # a slot is free, and the contact may have more waiting

        task.add_done_callback(done)
        return task

    # ----- processing ------------------------------------------------------------------------

    async def _process(self, claim: store.Claim, *, wait: bool) -> InboxResult:
        hooks = self._channels.get(claim.channel, ChannelHooks(push=False, max_text_chars=None))
        delivered = wait and not hooks.push
        mid = claim.external_message_id
        language: str | None = None
        status = InboundStatus.PROCESSED
        what = answers.answer(claim)
        if claim.handled_by == HandledBy.OPERATOR.value:
            replies: list[Reply] = []
            status = InboundStatus.HANDED_OVER
        elif isinstance(what, answers.LocalAnswer):
            replies, language = what.replies, what.language
        else:
            try:
                replies = await self._ask_rasa(claim, what)
            except RasaUnavailable as exc:
                return await self._wait_for_stack(claim, exc)
            except RasaFailed as exc:
                if claim.failures + 1 < self._policy.failure_budget:
                    return await self._retry(claim, exc)
                logger.error("message %s given up after %s failures: %s", claim.inbound_id,
                             claim.failures + 1, exc)  # fmt: skip
                replies = [Reply(text=texts.pick(texts.GIVEN_UP, claim.language))]
                status = InboundStatus.GIVEN_UP
        completed = await run_db(
            store.complete, factory=self._factory, claim=claim,
            replies=fit_to_channel(replies, hooks.max_text_chars, pack=hooks.pack_turn),
            delivered=delivered, now=self._clock(), status=status, language=language,
        )  # fmt: skip
        if completed.lost:
            logger.warning("message %s: claim expired while processing; another worker has it",
                           claim.inbound_id)  # fmt: skip
            return InboxResult(Outcome.PROCESSING, message_id=mid)
        if replies and hooks.push:
            hooks.replies_ready()
        if completed.more_waiting:
            self._wake.set()
        outcome = {
            InboundStatus.HANDED_OVER: Outcome.HANDED_OVER,
            InboundStatus.GIVEN_UP: Outcome.GIVEN_UP,
        }.get(status, Outcome.PROCESSED)
        return InboxResult(outcome, completed.replies, message_id=mid)

    async def _ask_rasa(self, claim: store.Claim, content: str) -> list[Reply]:
        replies = await self._rasa.send(
            claim.conversation_id,
            content,
            message_id=claim.rasa_message_id,
            retry=claim.attempts > 1,
            metadata={"channel": claim.channel, "language": claim.language},
        )
        if self._circuit.down:
            logger.info("Rasa and the action server answer again; draining the backlog")
        self._circuit = _Circuit()
        return replies

    async def _wait_for_stack(self, claim: store.Claim, exc: Exception) -> InboxResult:
        now = self._clock()
        if not self._circuit.down:
            logger.warning("the assistant is unavailable (%s); messages wait for it", exc)
            self._circuit.down_since = now
        self._circuit.next_probe = now + timedelta(seconds=self._policy.probe_seconds)
        # due again after one probe interval: the next probe tries another message, so one
        # message that cannot get through does not hold up the others
        at = now + timedelta(seconds=self._policy.probe_seconds)
        await run_db(
            store.retry_later, factory=self._factory, claim=claim, error=str(exc), at=at,
            counts=False,
        )  # fmt: skip
        return InboxResult(
            Outcome.RETRYING,
            message_id=claim.external_message_id,
            retry_after_seconds=max(1, round(self._policy.probe_seconds)),
        )

    async def _retry(self, claim: store.Claim, exc: Exception) -> InboxResult:
        delay = self._policy.backoff(claim.failures + 1)
        logger.warning("message %s failed (%s); retry in %ss", claim.inbound_id, exc, delay)
        await run_db(
            store.retry_later, factory=self._factory, claim=claim, error=str(exc),
            at=self._clock() + timedelta(seconds=delay), counts=True,
        )  # fmt: skip
        return InboxResult(
            Outcome.RETRYING,
            message_id=claim.external_message_id,
            retry_after_seconds=max(1, round(delay)),
        )

    # ----- draining --------------------------------------------------------------------------

    async def drain_once(self) -> int:
        """Claim what may be processed now and start it; return how many were started."""
        free = self._policy.concurrency - len(self._work.tasks)
        now = self._clock()
        if self._circuit.down:
            if self._work.tasks or (self._circuit.next_probe and now < self._circuit.next_probe):
                return 0
            free = 1  # one message finds out whether the stack is back
            self._circuit.next_probe = now + timedelta(seconds=self._policy.probe_seconds)
        if free <= 0:
            return 0
        contacts = await run_db(
            store.due_heads, factory=self._factory, now=now, limit=free,
            exclude=frozenset(self._work.contacts),
        )  # fmt: skip
        started = 0
        for contact_id in contacts:
            if self._closing:
                break
            if contact_id in self._work.contacts:
                continue
            claim = await run_db(
                store.claim_head, factory=self._factory, contact_id=contact_id,
                now=self._clock(), lease=self.lease,
            )  # fmt: skip
            if claim is not None and self._closing:
                await self._release([claim])
            elif claim is not None:
                self._start(claim, wait=False)
                started += 1
        return started

    async def run(self) -> None:
        """Drain forever (a background task of the gateway)."""
        while not self._closing:
            self._wake.clear()
            try:
                await self.drain_once()
            except Exception:  # noqa: BLE001 - keep the loop alive; the next pass retries
                logger.exception("inbox drain pass failed")
            timeout = self._policy.poll_seconds
            if self._circuit.down and self._circuit.next_probe is not None:
                until = (self._circuit.next_probe - self._clock()).total_seconds()
                timeout = min(timeout, max(until, 0.05))
            await woken_or_timeout(self._wake, timeout)

    async def close(self, grace_seconds: float = 1.0) -> None:
        """Stop processing: finish what ends within the grace time, give back the other claims."""
        self._closing = True
        self._wake.set()
        deadline = asyncio.get_running_loop().time() + grace_seconds
        while True:  # tasks started while we waited are stopped too
            pending = {task: claim for task, claim in self._work.tasks.items() if not task.done()}
            if not pending:
                return
            wait = max(0.0, deadline - asyncio.get_running_loop().time())
            _done, unfinished = await asyncio.wait(list(pending), timeout=wait)
            for task in unfinished:
                task.cancel()
            await asyncio.gather(*unfinished, return_exceptions=True)
            await self._release([pending[task] for task in unfinished])

    async def _release(self, claims: list[store.Claim]) -> None:
        if not claims:
            return
        released = await run_db(
            store.release, factory=self._factory, claims=claims, now=self._clock()
        )
        if released:
            logger.info("gave back %s claimed message(s) for the next worker", released)
