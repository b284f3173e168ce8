"""Replies as Telegram messages: HTML with escaping, 4096-character parts, inline keyboards.

Our responses use WhatsApp-style `*bold*` and `_italic_` (and `~strike~`); Telegram gets them
as HTML (`parse_mode="HTML"`), where only `<`, `>` and `&` need escaping, so text from the
database can never break the markup. Buttons carry `b:<outbound id>:<index>` as callback data
(Telegram allows 64 bytes); the payload itself stays in the outbox row.
"""

from __future__ import annotations

import html
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.channels.base import ChannelLimits
from bot.inbox import splitting
from bot.inbox.messages import Reply

# The Bot API's limits (https://core.telegram.org/bots/api#sendmessage, #inlinekeyboardbutton)
# and its published broadcast guidance: ~30 messages/s overall, about 1/s in one chat.
LIMITS = ChannelLimits(
    max_text_chars=4096,
    max_buttons=20,
    max_button_title_chars=64,
    messages_per_second=30.0,
    per_contact_interval_seconds=1.0,
)
BUTTON_PREFIX = "b"
# ASCII digits only, and an id that fits a 64-bit database integer
_CALLBACK = re.compile(rf"{BUTTON_PREFIX}:([0-9]{{1,19}}):([0-9]{{1,2}})")
MAX_ROW_ID = 2**63 - 1

_BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]*?\S)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?=\S)([^_\n]*?\S)_(?![\w_])")
_STRIKE = re.compile(r"(?<![\w~])~(?=\S)([^~\n]*?\S)~(?![\w~])")
_MARKDOWN_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s]+)\)")
_URL = re.compile(r"https?://\S+")


def telegram_length(text: str) -> int:
    """Return the length Telegram counts (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def _format_segment(text: str) -> str:
    escaped = html.escape(text, quote=False)
    escaped = _BOLD.sub(r"<b>\1</b>", escaped)
    escaped = _ITALIC.sub(r"<i>\1</i>", escaped)
    return _STRIKE.sub(r"<s>\1</s>", escaped)


def _format_links(text: str) -> str:
    """Format text around bare URLs, which stay verbatim (an `_` in a URL is no italic)."""
    out, last = [], 0
    for match in _URL.finditer(text):
        out.append(_format_segment(text[last : match.start()]))
        out.append(html.escape(match.group(0), quote=False))
        last = match.end()
    out.append(_format_segment(text[last:]))
    return "".join(out)


def to_html(text: str) -> str:
    """Escape text for Telegram's HTML parse mode and turn *bold*, _italic_, ~strike~ into tags."""
    out, last = [], 0
    for match in _MARKDOWN_LINK.finditer(text):
        out.append(_format_links(text[last : match.start()]))
        href = html.escape(match.group(2), quote=True)
        out.append(f'<a href="{href}">{_format_segment(match.group(1))}</a>')
        last = match.end()
    out.append(_format_links(text[last:]))
    return "".join(out)


def plain_text(text: str) -> str:
    """Return the text without our markup characters (the fallback when HTML is refused)."""
    text = _MARKDOWN_LINK.sub(r"\1 (\2)", text)
    for pattern in (_BOLD, _ITALIC, _STRIKE):
        text = pattern.sub(r"\1", text)
    return text


def split_text(text: str, limit: int = LIMITS.max_text_chars) -> list[str]:
    """Split text into parts Telegram accepts (its count: UTF-16), at the best boundaries.

    The inbox already splits long replies by characters (bot/inbox/splitting.py); this catches
    the rest, e.g. text full of emoji, which Telegram counts twice.
    """
    return splitting.split_text(text, limit, length=telegram_length)


def message_parts(reply: Reply) -> list[str]:
    """Return the text parts of a reply (an image is sent as its link)."""
    text = (reply.text or "").strip()
    if reply.image:
        text = f"{text}\n\n{reply.image}" if text else reply.image
    if not text and reply.buttons:
        text = "…"  # Telegram needs text to carry a keyboard
    return split_text(text) if text else []


def button_callback_data(outbound_id: int, index: int) -> str:
    """Return the callback data of a reply's button (well under Telegram's 64 bytes)."""
    return f"{BUTTON_PREFIX}:{outbound_id}:{index}"


def parse_callback_data(data: str | None) -> tuple[int, int] | None:
    """Return (outbound id, button index) from callback data; None when it is not ours."""
    match = _CALLBACK.fullmatch(data or "")
    if match is None or int(match[1]) > MAX_ROW_ID:
        return None
    return int(match[1]), int(match[2])


def _title(title: str) -> str:
    title = " ".join(title.split()) or "…"
    if len(title) > LIMITS.max_button_title_chars:
        title = title[: LIMITS.max_button_title_chars - 1] + "…"
    return title


def reply_keyboard(outbound_id: int, reply: Reply) -> InlineKeyboardMarkup | None:
    """Return the inline keyboard for a reply's buttons, one button per row."""
    if not reply.buttons:
        return None
    rows = [
        [
            InlineKeyboardButton(
                _title(button.title), callback_data=button_callback_data(outbound_id, i)
            )
        ]
        for i, button in enumerate(reply.buttons[: LIMITS.max_buttons])
    ]
    return InlineKeyboardMarkup(rows)
