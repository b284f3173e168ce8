"""Telegram-only wording (commands, unsupported media, office list); everything else is Rasa's.

These texts are about the channel itself, not about passports, so they do not live in
domain.yml. Each has an Indonesian and an English version (contacts.language).
"""

from __future__ import annotations

from bot.inbox.messages import Button, Reply
from bot.schedule.views import OfficeView

HELP = {
    "id": (
        "Saya asisten otomatis layanan paspor. Tanyakan saja dengan kalimat biasa, misalnya:\n"
        "• _kapan kuota M-Paspor dibuka?_\n"
        "• _jam buka kantor imigrasi pontianak_\n"
        "• _berapa biaya paspor 10 tahun?_\n"
        "• _syarat bikin paspor baru_\n"
        "• _paspor saya hilang_\n\n"
        "Perintah: /start mulai, /help bantuan, /bahasa pilih bahasa.\n"
        "Kirim lokasi Anda untuk melihat daftar kantor. "
        "Ketik *mau bicara dengan petugas* untuk dibantu petugas."
    ),
    "en": (
        "I am the passport office's automated assistant. Ask in plain words, for example:\n"
        "• _when does the M-Paspor quota open?_\n"
        "• _opening hours of the Pontianak office_\n"
        "• _passport fees_\n\n"
        "Commands: /start, /help, /bahasa (language).\n"
        "Share your location to see our offices. Note: answers are in Indonesian for now."
    ),
}

UNSUPPORTED = {
    "id": (
        "Maaf, saya belum bisa membaca foto, stiker, pesan suara, video atau dokumen. "
        "Silakan ketik pertanyaan Anda, misalnya _kapan kuota paspor dibuka?_ "
        "Ketik /help untuk contoh pertanyaan."
    ),
    "en": (
        "Sorry, I cannot read photos, stickers, voice messages, videos or documents yet. "
        "Please type your question, e.g. _when does the passport quota open?_ "
        "Send /help for examples."
    ),
}

CHOOSE_LANGUAGE = {
    "id": "Pilih bahasa / choose a language:",
    "en": "Pilih bahasa / choose a language:",
}

LANGUAGE_SET = {
    "id": "Baik, saya akan menggunakan Bahasa Indonesia.",
    "en": (
        "OK, English it is. Please note: the assistant's answers are still in Indonesian; "
        "you may ask in English."
    ),
}

OFFICES_HEADER = {
    "id": "Terima kasih, Kak. Berikut kantor layanan paspor kami; pilih yang terdekat:",
    "en": "Thank you. These are our passport offices; choose the nearest one:",
}

NO_OFFICES = {
    "id": "Maaf, daftar kantor belum tersedia. Ketik _lokasi kantor imigrasi_ untuk bertanya.",
    "en": "Sorry, the office list is not available. Ask e.g. _where is the office?_",
}

SET_LANGUAGE_PAYLOAD = "/bahasa "  # + "id" | "en"; handled by the channel, never sent to Rasa


def pick(texts: dict[str, str], language: str | None) -> str:
    """Return the text in the contact's language (Indonesian by default)."""
    return texts.get(language or "id", texts["id"])


def language_choice(language: str | None) -> Reply:
    """Return the /bahasa question with its two buttons."""
    return Reply(
        text=pick(CHOOSE_LANGUAGE, language),
        buttons=(
            Button(title="🇮🇩 Bahasa Indonesia", payload=f"{SET_LANGUAGE_PAYLOAD}id"),
            Button(title="🇬🇧 English", payload=f"{SET_LANGUAGE_PAYLOAD}en"),
        ),
    )


def office_list(offices: list[OfficeView], language: str | None) -> Reply:
    """Return the office list sent in answer to a shared location (offices have no coordinates)."""
    if not offices:
        return Reply(text=pick(NO_OFFICES, language))
    lines = [pick(OFFICES_HEADER, language)]
    for office in offices:
        entry = f"\n*{office.name}*\n{office.address}"
        if office.city and office.city not in office.address:
            entry += f", {office.city}"
        if office.phone:
            entry += f"\n☎️ {office.phone}"
        if office.maps_url:
            entry += f"\n{office.maps_url}"
        lines.append(entry)
    return Reply(text="\n".join(lines))
