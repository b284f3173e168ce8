"""The channel-neutral runtime every channel plugs into.

It gives channels one entry point (`receive`: one contact at a time into the inbox), starts an
outbox sender per push channel (woken as soon as replies are queued) and the inbox's drain loop,
and stops everything in order, giving back claims and leases so that nothing waits for them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import replace

from sqlalchemy.orm import sessionmaker

from bot.channels.base import Channel
from bot.channels.delivery import Clock, OutboxSender, SenderPolicy, Sleep
from bot.db.base import utcnow
from bot.inbox.inbox import ChannelHooks, Inbox
from bot.inbox.messages import Inbound, InboxResult

logger = logging.getLogger(__name__)


class KeyedLocks:
    """One asyncio lock per key, created on demand and dropped when nobody holds or waits."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    def __len__(self) -> int:
        return len(self._locks)


class ChannelRuntime:
    """Channels in, inbox and outbox senders behind them."""

    def __init__(
        self,
        factory: sessionmaker,
        inbox: Inbox,
        *,
        sender_policy: SenderPolicy | None = None,
        clock: Clock = utcnow,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.factory = factory
        self.inbox = inbox
        self.channels: dict[str, Channel] = {}
        self.senders: dict[str, OutboxSender] = {}
        self._sender_policy = sender_policy or SenderPolicy()
        self._clock = clock
        self._sleep = sleep
        self._locks = KeyedLocks()
        self._tasks: list[asyncio.Task] = []
        self._stopped = False

    def add(self, channel: Channel) -> None:
        """Register a channel: its sender (push channels) and what the inbox must know of it."""
        limits = channel.limits
        hooks = ChannelHooks(
            push=channel.push, max_text_chars=limits.max_text_chars, pack_turn=limits.pack_turn
        )
        if channel.push:
            policy = replace(
                self._sender_policy,
                messages_per_second=limits.messages_per_second,
                per_chat_interval_seconds=limits.per_contact_interval_seconds,
            )
            sender = OutboxSender(
                self.factory, channel.name, channel.send, policy=policy, clock=self._clock,
                sleep=self._sleep,
            )  # fmt: skip
            self.senders[channel.name] = sender
            hooks.replies_ready = sender.wake
        self.inbox.add_channel(channel.name, hooks)
        self.channels[channel.name] = channel

    async def receive(self, message: Inbound, *, wait: bool = False) -> InboxResult:
        """Hand one message to the inbox, one message of a contact at a time in this process.

        With `wait` the answer is processed before returning (the web chat); otherwise the
        message is durably recorded and processed in the background (push channels).
        Raises PayloadRefused for a button this contact was not offered.
        """
        async with self._locks.hold(f"{message.channel}\x00{message.user_id}"):
            return await self.inbox.receive(message, wait=wait)

    async def start(self) -> None:
        """Start the drain loop, the senders, then each channel."""
        self._tasks.append(asyncio.create_task(self.inbox.run(), name="inbox-drain"))
        for name, sender in self.senders.items():
            self._tasks.append(asyncio.create_task(sender.run(), name=f"outbox-{name}"))
        for channel in self.channels.values():
            self._tasks.append(asyncio.create_task(self._start(channel), name=channel.name))

    @staticmethod
    async def _start(channel: Channel) -> None:
        try:
            await channel.start()
        except Exception:  # noqa: BLE001 - one channel failing must not stop the others
            logger.exception("channel %s failed to start", channel.name)

    async def stop(self) -> None:
        """Stop the inbox (claims given back), the senders (leases too), then the channels."""
        if self._stopped:
            return
        self._stopped = True
        await self.inbox.close()
        for task in self._tasks:  # the drain loop, the senders, polling
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        for sender in self.senders.values():
            await sender.close()
        for channel in self.channels.values():
            try:
                await asyncio.wait_for(channel.stop(), timeout=2)
            except Exception:  # noqa: BLE001 - keep stopping the rest
                logger.exception("channel %s did not stop cleanly", channel.name)
