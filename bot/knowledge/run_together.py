"""Spot list items and sentences run together when an answer was copied from a web page.

Copying a page's bullet list into a spreadsheet often drops the line breaks between items:
"Keluar akunClear cache pada browserUninstall…", "…tidak bisa lagi.Lalu anda…". A citizen then
reads one unbroken block. Two signs are looked for:

- a word in lower case that runs straight into a capitalised word ("akunClear"); the first word
  must have two letters or more and start in lower case, so "iPhone", "eKTP", "WhatsApp" and
  "YouTube" pass;
- a sentence end or a colon directly followed by a capitalised word ("lagi.Lalu",
  "lakukan:Keluar", "(RPTKA).Bagi") after a word of three characters or more or a closing
  bracket, so "Jl.Sudirman" passes.

Web and e-mail addresses are skipped, and the capitalised word must go on in lower case, so
"M-Paspor", "e-KTP", "ITAS" and "file.PDF" pass. These are warnings for staff, never a reason to
refuse a file: staff decide whether to add the line breaks.
"""

from __future__ import annotations

import re

EXCERPT_CONTEXT = 20  # characters shown on each side of a joint
MAX_EXCERPTS = 2  # joints quoted per text; the rest are counted

_ADDRESS = re.compile(
    r"https?://\S+|www\.\S+|[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+"
    r"|\b[\w\-]+(?:\.[\w\-]+)*\.(?:com|org|net|id)\b\S*",
    re.IGNORECASE,
)
# "akun|Clear": a whole lower-case word of two letters or more, then a capitalised word
_CAMEL_JOINT = re.compile(r"(?<![^\W\d_])[a-z]{2,}(?=[A-Z][a-z])")
# "lagi.|Lalu", "(RPTKA).|Bagi": a word of three characters or more (or a closing bracket or
# quote), a sentence end or colon, then a capitalised word
_SENTENCE_JOINT = re.compile(r"(?:(?<!\w)\w{3,}|[)\"”’'])[.!?:](?=[A-Z][a-z])")


def joints(text: str) -> list[int]:
    """Return the positions where two items or sentences seem to be run together."""
    masked = _ADDRESS.sub(lambda match: " " * len(match.group(0)), text)
    found = [
        m.end() for pattern in (_CAMEL_JOINT, _SENTENCE_JOINT) for m in pattern.finditer(masked)
    ]
    return sorted(found)


def excerpt(text: str, position: int) -> str:
    """Return a short, one-line excerpt of `text` around `position`, cut between words."""
    start, end = max(0, position - EXCERPT_CONTEXT), min(len(text), position + EXCERPT_CONTEXT)
    words = text[start:end].split()
    if start > 0 and len(words) > 1 and not text[start - 1].isspace():
        words = words[1:]  # a cut word
    if end < len(text) and len(words) > 1 and not text[end].isspace():
        words = words[:-1]
    return f"{'…' if start > 0 else ''}{' '.join(words)}{'…' if end < len(text) else ''}"


def run_together_warning(column: str, text: str) -> str | None:
    """Return a warning for staff that quotes the run-together places, or None when none."""
    found = joints(text)
    if not found:
        return None
    excerpts: list[str] = []
    last = -len(text)
    for position in found:  # quote places that neither overlap nor read the same
        quote = excerpt(text, position)
        if position - last > 2 * EXCERPT_CONTEXT and quote not in excerpts:
            excerpts.append(quote)
            last = position
    quoted = ", ".join(f'"{quote}"' for quote in excerpts[:MAX_EXCERPTS])
    places = "1 place" if len(found) == 1 else f"{len(found)} places"
    return (
        f"{column} seems to run list items or sentences together in {places}, "
        f"e.g. {quoted}; add line breaks or spaces"
    )
