"""Long replies as several messages, each within a channel's limit, cut where a reader would.

An FAQ answer may hold up to 10,000 characters (bot/knowledge/importer.py), more than one
message of any channel. Each part ends at the best boundary the limit allows: a paragraph, else
a line break, a sentence end, a clause (";" or ":"), a space, and only as a last resort anywhere.
A boundary in the first quarter of the window is passed over, so no part is needlessly short.
Official answers copied from web pages often have no line breaks and sentences run together
("…lagi.Lalu…"); a sentence end directly followed by a capital counts as a boundary too.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.inbox.messages import Reply, pack_replies

Length = Callable[[str], int]

# Each pattern matches where a part may end (the cut is at the match's end).
_BOUNDARIES = (
    re.compile(r"\n[ \t]*\n"),  # a paragraph
    re.compile(r"\n"),  # a line
    re.compile(r"[.!?…][\"'”’)\]]*(?=\s|[A-Z])"),  # a sentence, also "lagi.Lalu"
    re.compile(r"[;:](?=\s|[^\W\d_])"),  # a clause or a list item ("Penjamin;Paspor")
    re.compile(r"\s"),  # a word
)


def _window(text: str, limit: int, length: Length) -> str:
    """Return the longest prefix of `text` that `length` counts within `limit`."""
    window = text[:limit]
    while (excess := length(window) - limit) > 0:  # e.g. emoji count twice in UTF-16
        window = window[:-excess]
    return window


def _cut(text: str, limit: int, length: Length) -> int:
    """Return where the first part of an over-long text should end."""
    window = _window(text, limit, length)
    shortest = len(window) // 4
    for boundary in _BOUNDARIES:
        ends = [match.end() for match in boundary.finditer(window)]
        if ends and ends[-1] > shortest:
            return ends[-1]
    return max(len(window), 1)  # one character over any limit still has to go somewhere


def split_text(text: str, limit: int, length: Length = len) -> list[str]:
    """Split text into parts that `length` counts within `limit`, at the best boundaries.

    Text within the limit is returned as it is; the parts of a longer text are trimmed of the
    white space at the cut, and no other character is lost.
    """
    if length(text) <= limit:
        return [text]
    parts: list[str] = []
    rest = text.strip()
    while length(rest) > limit:
        cut = _cut(rest, limit, length)
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return [part for part in parts if part]


def split_replies(replies: list[Reply], max_chars: int) -> list[Reply]:
    """Split every reply whose text is over `max_chars` into several replies.

    The last part keeps the reply's buttons, image and custom payload, so that they come after
    the whole text, as they did after the one long message.
    """
    result: list[Reply] = []
    for reply in replies:
        if not reply.text or len(reply.text) <= max_chars:
            result.append(reply)
            continue
        *first, last = split_text(reply.text, max_chars)
        result += [Reply(text=part) for part in first]
        result.append(
            Reply(text=last, buttons=reply.buttons, image=reply.image, custom=reply.custom)
        )
    return result


def fit_to_channel(replies: list[Reply], max_chars: int | None, *, pack: bool) -> list[Reply]:
    """Return a turn's replies as the channel's messages: packed if it wants, split when long."""
    if max_chars is None:
        return replies
    return split_replies(pack_replies(replies, max_chars) if pack else replies, max_chars)
