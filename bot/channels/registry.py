"""The channels the gateway mounts, each built from its own settings.

A new channel is its own package under bot/channels/ plus one line here.
"""

from __future__ import annotations

from bot.channels.base import Channel


def channels_from_env() -> list[Channel]:
    """Return the web chat, and every channel whose credentials are configured."""
    from bot.channels.telegram.channel import TelegramChannel
    from bot.channels.telegram.settings import TelegramSettings
    from bot.channels.webchat.channel import WebChatChannel, WebChatSettings

    channels: list[Channel] = [WebChatChannel(WebChatSettings.from_env())]
    if (telegram := TelegramSettings.from_env()).enabled:
        channels.append(TelegramChannel(telegram))
    return channels
