"""Long answers shaped like the directorate's public FAQ, for splitting and delivery tests."""

from __future__ import annotations

import re

ITEMS = (
    "surat permohonan dari suami atau istri warga negara Indonesia",
    "surat keterangan domisili",
    "fotokopi akta perkawinan atau buku nikah",
    "Paspor kebangsaan yang sah dan masih berlaku beserta fotokopinya",
)


def official_answer(length: int = 10_000) -> str:
    """Return an answer of exactly `length` characters ending with a full stop.

    Like the real file: long paragraphs, list items joined by ";" and sentences run together
    ("berlaku.Bagi"), with a paragraph break now and then.
    """
    sentences: list[str] = []
    number = 0
    while sum(len(s) + 1 for s in sentences) < length:
        number += 1
        items = ";".join(ITEMS[: 1 + number % len(ITEMS)])
        joint = "\n\n" if number % 9 == 0 else ("" if number % 2 else " ")
        sentences.append(
            f"Bagi pemohon kelompok {number}, melampirkan persyaratan: {items}.{joint}"
        )
    text = "".join(sentences)[: length - 1].rstrip()
    return text + "." * (length - len(text))


def visible(text: str) -> str:
    """Return the text without white space: what must survive splitting unchanged."""
    return re.sub(r"\s", "", text)
