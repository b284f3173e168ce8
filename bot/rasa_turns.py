"""What one gateway turn shares between the gateway channel and the Rasa patches.

A turn is one citizen message handled by Rasa's `MessageProcessor.handle_message` under the
conversation's lock. Two context variables carry its state through Rasa's call chain (one
asyncio task from the channel's request handler down to the action-server call):

- `gateway_request`: the gateway's request options (`message_id`, `retry`), set by
  `bot.channels.rasa_input.GatewayInput` around `on_new_message`;
- `current_turn`: whether a custom action failed in this turn, set by the patched
  `handle_message` in `bot.rasa_server` and written by the patched `RemoteAction.run`.

`replay_turn` answers a retried message from the tracker instead of processing it again.
The patches themselves live in `bot.rasa_server` (`install_gateway_guarantees`).
"""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass

from rasa.core.channels.channel import OutputChannel
from rasa.shared.core.events import BotUttered, Event, UserUttered


class TurnFailed(RuntimeError):
    """A custom action failed in this turn; the turn was not saved (it counts as a failure)."""


class ActionServerUnavailable(TurnFailed):
    """The action server could not be reached in this turn; not saved, retried when it is back."""


@dataclass(frozen=True)
class GatewayRequest:
    """The gateway's options for one message."""

    message_id: str
    retry: bool = False


@dataclass
class TurnState:
    """What happened so far in the turn being processed."""

    failed_action: str | None = None
    unreachable: bool = False  # the action server was down, not the action wrong


gateway_request: ContextVar[GatewayRequest | None] = ContextVar("gateway_request", default=None)
current_turn: ContextVar[TurnState | None] = ContextVar("current_turn", default=None)


def bot_events_of_turn(events: Iterable[Event], message_id: str) -> list[BotUttered] | None:
    """Return the bot events that answered the user message `message_id`, or None if unseen.

    The answer is every `BotUttered` after that `UserUttered`, up to the next `UserUttered`.
    When the same id was processed more than once (a resend without `retry`), the latest
    processing counts.
    """
    answer: list[BotUttered] | None = None
    collecting: list[BotUttered] | None = None
    for event in events:
        if isinstance(event, UserUttered):
            collecting = [] if event.message_id == message_id else None
            if collecting is not None:
                answer = collecting
        elif collecting is not None and isinstance(event, BotUttered):
            collecting.append(event)
    return answer


async def replay_turn(
    events: Iterable[Event], message_id: str, output_channel: OutputChannel, recipient_id: str
) -> bool:
    """Send the stored answer to `message_id` through `output_channel` again; False if unseen.

    The bot events go through the channel's `send_response`, as Rasa's processor sends them
    (`MessageProcessor._send_bot_messages`), so a `CollectingOutputChannel` collects the same
    messages that the original processing returned.
    """
    bot_events = bot_events_of_turn(events, message_id)
    if bot_events is None:
        return False
    for event in bot_events:
        await output_channel.send_response(recipient_id, event.message())
    return True
