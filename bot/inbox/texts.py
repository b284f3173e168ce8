"""The inbox's own words: about the conversation itself, never about passports.

Everything a citizen asks about is answered by Rasa (domain.yml); these few texts cover what
happens around it (a message that cannot be read or processed, the language choice). Each has
an Indonesian and an English version, picked by the contact's language.
"""

from __future__ import annotations

from bot.inbox.events import SET_LANGUAGE_PAYLOAD
from bot.inbox.messages import Button, Reply

LANGUAGES = ("id", "en")

UNSUPPORTED = {
    "id": (
        "Maaf, saya hanya bisa membaca pesan teks. Foto, stiker, pesan suara, video dan "
        "dokumen belum bisa saya baca. Silakan ketik pertanyaan Anda."
    ),
    "en": (
        "Sorry, I can only read text messages, not photos, stickers, voice messages, videos "
        "or documents. Please type your question."
    ),
}

GIVEN_UP = {
    "id": (
        "Maaf, pesan Anda belum dapat kami proses karena gangguan sistem. Pesan sudah kami "
        "simpan dan akan ditindaklanjuti oleh petugas."
    ),
    "en": (
        "Sorry, we could not process your message because of a system problem. It has been "
        "kept and an officer will follow it up."
    ),
}

CHOOSE_LANGUAGE = "Pilih bahasa / choose a language:"

LANGUAGE_SET = {
    "id": "Baik, saya akan menggunakan Bahasa Indonesia.",
    "en": "OK, I will use English.",
}


def pick(texts: dict[str, str], language: str | None) -> str:
    """Return the text in the contact's language (Indonesian by default)."""
    return texts.get(language or "id", texts["id"])


def language_choice() -> Reply:
    """Return the language question with one button per language."""
    return Reply(
        text=CHOOSE_LANGUAGE,
        buttons=(
            Button(title="Bahasa Indonesia", payload=f"{SET_LANGUAGE_PAYLOAD}id"),
            Button(title="English", payload=f"{SET_LANGUAGE_PAYLOAD}en"),
        ),
    )
