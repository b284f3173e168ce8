"""The inbox: every channel hands its messages here; they reach Rasa once and are never lost."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from sqlalchemy.orm import sessionmaker

from bot.db.base import utcnow
from bot.db.engine import run_db
from bot.inbox import store
from bot.inbox.messages import InboxResult, IncomingMessage
from bot.inbox.rasa_client import RasaClient, RasaUnavailable
from bot.logging_setup import mask_identifier

logger = logging.getLogger(__name__)


class Inbox:
    """Normalised messages in, replies (and outbox rows) out."""

    def __init__(
        self,
        factory: sessionmaker,
        rasa: RasaClient,
        *,
        max_attempts: int = 5,
        stale_after: timedelta = timedelta(minutes=2),
    ) -> None:
        self._factory = factory
        self._rasa = rasa
        self._max_attempts = max_attempts
        self._stale_after = stale_after

    async def handle(self, message: IncomingMessage, *, deliver_now: bool) -> InboxResult:
        """Process a message once; `deliver_now` marks replies delivered (synchronous channels)."""
        claim = await run_db(
            store.claim_inbound,
            factory=self._factory,
            message=message,
            now=utcnow(),
            stale_after=self._stale_after,
        )
        if claim.outcome == "duplicate":
            logger.info(
                "duplicate %s message %s from %s",
                message.channel,
                message.message_id,
                mask_identifier(message.user_id),
            )
            return InboxResult("duplicate", claim.replies, message_id=message.message_id)
        if claim.outcome == "busy":
            return InboxResult("processing", message_id=message.message_id)
        return await self._process(claim, deliver_now=deliver_now, message_id=message.message_id)

    async def _process(
        self, claim: store.Claim, *, deliver_now: bool, message_id: str
    ) -> InboxResult:
        if claim.handled_by != "bot":
            await run_db(
                store.complete_inbound,
                factory=self._factory,
                inbound_id=claim.inbound_id,
                replies=[],
                delivered=deliver_now,
                now=utcnow(),
            )
            return InboxResult("handed_over", message_id=message_id)
        metadata = {"channel": claim.channel, "language": claim.language}
        try:
            replies = await self._rasa.send(claim.conversation_id, claim.content, metadata)
            if not replies:
                # Every turn of this assistant ends with a message; silence means a part failed
                # (Rasa swallows action-server errors and answers with nothing).
                raise RasaUnavailable("Rasa answered with no message")
        except RasaUnavailable as exc:
            retry_after = await run_db(
                store.fail_inbound,
                factory=self._factory,
                inbound_id=claim.inbound_id,
                error=str(exc),
                now=utcnow(),
                max_attempts=self._max_attempts,
            )
            logger.warning(
                "message %s kept for retry in %ss: %s", claim.inbound_id, retry_after, exc
            )
            return InboxResult("failed", message_id=message_id, retry_after_seconds=retry_after)
        stored = await run_db(
            store.complete_inbound,
            factory=self._factory,
            inbound_id=claim.inbound_id,
            replies=replies,
            delivered=deliver_now,
            now=utcnow(),
        )
        return InboxResult("processed", stored, message_id=message_id)

    async def retry_due(self) -> int:
        """Process failed messages whose retry time has come; return how many were tried."""
        ids = await run_db(store.due_retries, factory=self._factory, now=utcnow())
        tried = 0
        for inbound_id in ids:
            claim = await run_db(
                store.claim_retry,
                factory=self._factory,
                inbound_id=inbound_id,
                now=utcnow(),
                stale_after=self._stale_after,
            )
            if claim is None:
                continue
            tried += 1
            await self._process(claim, deliver_now=False, message_id=str(inbound_id))
        return tried

    async def run_retries(self, interval_seconds: float = 5.0) -> None:
        """Retry failed messages forever (a background task of the gateway)."""
        while True:
            try:
                await self.retry_due()
            except Exception:  # noqa: BLE001 - keep the loop alive; the next pass retries
                logger.exception("retry pass failed")
            await asyncio.sleep(interval_seconds)
