"""Channel events, and the buttons the inbox itself offers: what each one becomes.

Channels report what happened in their own terms ("the citizen pressed Start", "shared a
location", "sent a sticker"); this is the one place that decides what the assistant does with
it. Events with a domain answer go to Rasa as the intent that answers them; the rest are
answered here in channel-neutral words (bot/inbox/texts.py), so no channel carries domain
logic or wording.
"""

from __future__ import annotations

from enum import Enum


class ChannelEvent(str, Enum):
    START = "start"  # a new chat (Telegram /start)
    HELP = "help"  # the channel's help command
    LOCATION = "location"  # the citizen shared a location
    UNSUPPORTED = "unsupported"  # a photo, sticker, voice note, document…
    CHOOSE_LANGUAGE = "choose_language"  # the channel's language command


TO_RASA: dict[ChannelEvent, str] = {
    ChannelEvent.START: "/greet",
    ChannelEvent.HELP: "/greet",  # the greeting says what the assistant can help with
    ChannelEvent.LOCATION: "/ask_office_location",
}

# Buttons the inbox offers itself start with "!" and never reach Rasa.
LOCAL_PAYLOAD_PREFIX = "!"
SET_LANGUAGE_PAYLOAD = "!language "  # + a code of texts.LANGUAGES


def parse_event(name: str | None) -> ChannelEvent | None:
    """Return the event a stored name stands for, or None."""
    try:
        return ChannelEvent(name)
    except ValueError:
        return None
