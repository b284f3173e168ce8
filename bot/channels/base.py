"""The channel interface: what a messaging channel supplies, and what it may rely on.

A channel translates its platform to the inbox and back, nothing more:

- inbound: verify the request (webhook signature or secret, session token), parse it, and hand
  each message to `ChannelRuntime.receive` as an `Inbound` (typed text, the payload of a button
  the assistant offered, or a `ChannelEvent`);
- outbound (push channels): `send` one outbox row through the platform's API, translating the
  platform's errors into the `DeliveryError` family (bot/channels/delivery.py);
- its limits (`ChannelLimits`), its own settings, its routes and background tasks.

It holds no domain logic and no domain wording: what to answer is decided by Rasa and the inbox.
A new channel is its own package under bot/channels/ plus one line in bot/channels/registry.py.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from aiohttp import web

from bot.inbox.outbox import Outgoing

if TYPE_CHECKING:
    from bot.channels.runtime import ChannelRuntime


@dataclass(frozen=True)
class ChannelLimits:
    """What a platform allows; the one definition of each limit for its channel."""

    max_text_chars: int  # one message
    max_buttons: int  # buttons on one message
    max_button_title_chars: int
    messages_per_second: float = 30.0  # the whole channel, per gateway process
    per_contact_interval_seconds: float = 0.0  # between two messages to one contact
    pack_turn: bool = True  # join a turn's texts into as few messages as allowed


class Channel(ABC):
    """One messaging channel mounted on the gateway."""

    name: ClassVar[str]
    limits: ClassVar[ChannelLimits]
    push: ClassVar[bool] = True  # replies go out through `send`; False: the client fetches them

    @abstractmethod
    def setup(self, app: web.Application, runtime: ChannelRuntime) -> None:
        """Add the channel's routes to the gateway and keep the runtime for its handlers."""

    async def start(self) -> None:  # noqa: B027 - optional hook
        """Connect to the platform (and start polling); return when ready to send."""

    async def stop(self) -> None:  # noqa: B027 - optional hook
        """Stop background work and close connections; must return within a second or two."""

    async def send(self, item: Outgoing) -> None:
        """Deliver one outbox row (push channels); raise a DeliveryError on failure."""
        raise NotImplementedError(f"{self.name} is not a push channel")
