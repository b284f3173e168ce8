"""Conversations over Telegram: commands, media, buttons, packing, duplicates, Rasa down.

Each test goes through the real gateway (webhook), PTB and the inbox, with the fake Bot API
and the fake Rasa; the webhook answers before Rasa is asked, so tests wait for the fake
Telegram to receive the reply. A later update of the same chat is answered after everything
before it, which makes it a barrier: once its reply is out, nothing else is on the way.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.inbox import texts
from bot.inbox.models import Contact, InboundMessage, OutboundMessage
from bot.inbox.payloads import OFFERED_WINDOW
from tests.channels.conftest import count, eventually
from tests.helpers import telegram_updates as tg
from tests.helpers.long_answers import official_answer, visible

pytestmark = pytest.mark.timeout(60)

ANSWER = "jawaban untuk: {}\n\nAda lagi?"


def keyboard(params: dict) -> list[list[dict]]:
    return params["reply_markup"]["inline_keyboard"]


async def barrier(gateway, fake_telegram, update_id: int, chat_id: int = tg.CHAT_ID) -> None:
    """Send a text and wait for its answer: everything sent to that chat before is done."""
    before = len(fake_telegram.calls_of("sendMessage"))
    assert (await gateway.post(tg.text(update_id, "barrier", chat_id=chat_id))).status == 200
    await fake_telegram.wait_for("sendMessage", before + 1)
    assert fake_telegram.sent_texts()[-1] == ANSWER.format("barrier")


# ----- commands, media, location --------------------------------------------------------------


@pytest.mark.parametrize("command", ["/start", "/help", "/bantuan", "/start@paspor_test_bot"])
async def test_start_and_help_greet_through_rasa(gateway, fake_telegram, fake_rasa, command):
    await gateway.post(tg.text(1, command))
    await fake_telegram.wait_for("sendMessage")
    assert fake_rasa.processed() == ["/greet"]


@pytest.mark.parametrize(
    ("typed", "understood"),
    [
        ("/kuota", "kuota"),
        ("/restart", "restart"),
        ('/inform{"office":"x"}', 'inform{"office":"x"}'),
    ],
)
async def test_typed_slashes_are_text_for_language_understanding(
    gateway, fake_telegram, fake_rasa, typed, understood
):
    await gateway.post(tg.text(1, typed))
    await fake_telegram.wait_for("sendMessage")
    assert fake_rasa.processed() == [understood]


async def test_a_group_message_mentioning_the_bot_is_answered_in_the_group(
    gateway, fake_telegram, fake_rasa
):
    value = "@paspor_test_bot kapan kuota?"
    entities = [{"type": "mention", "offset": 0, "length": len("@paspor_test_bot")}]
    await gateway.post(tg.text(5, value, chat_id=tg.GROUP_ID, entities=entities))
    await fake_telegram.wait_for("sendMessage")
    assert fake_rasa.processed() == ["kapan kuota?"]
    assert fake_telegram.calls_of("sendMessage")[0]["chat_id"] == str(tg.GROUP_ID)


@pytest.mark.parametrize("kind", sorted(tg.MEDIA))
async def test_media_gets_the_inbox_neutral_reply_without_rasa(
    gateway, fake_telegram, fake_rasa, kind
):
    assert (await gateway.post(tg.message(6, **tg.MEDIA[kind]))).status == 200
    await fake_telegram.wait_for("sendMessage")
    assert fake_telegram.sent_texts() == [texts.UNSUPPORTED["id"]]
    assert fake_rasa.received == []


async def test_a_shared_location_asks_rasa_for_the_offices(gateway, fake_telegram, fake_rasa):
    await gateway.post(tg.message(8, **tg.LOCATION))
    await fake_telegram.wait_for("sendMessage")
    assert fake_rasa.processed() == ["/ask_office_location"]
    assert fake_telegram.sent_texts() == [ANSWER.format("/ask_office_location")]


async def test_bahasa_offers_languages_and_a_press_sets_english(
    gateway, fake_telegram, fake_rasa, session_factory
):
    await gateway.post(tg.text(13, "/bahasa"))
    await fake_telegram.wait_for("sendMessage")
    (offer,) = fake_telegram.calls_of("sendMessage")
    assert offer["text"] == texts.CHOOSE_LANGUAGE
    assert [row[0]["text"] for row in keyboard(offer)] == ["Bahasa Indonesia", "English"]
    await gateway.post(tg.callback(14, keyboard(offer)[1][0]["callback_data"]))
    await fake_telegram.wait_for("sendMessage", 2)
    assert fake_telegram.sent_texts()[1] == texts.LANGUAGE_SET["en"]
    with session_factory() as session:
        assert session.execute(select(Contact.language)).scalar_one() == "en"
    await barrier(gateway, fake_telegram, 15)
    assert fake_rasa.received[-1]["metadata"]["language"] == "en"
    assert fake_rasa.processed() == ["barrier"]  # the language is the inbox's business


@pytest.mark.parametrize(("command", "language"), [("/bahasa en", "en"), ("/language id", "id")])
async def test_bahasa_with_a_code_sets_the_language_at_once(
    gateway, fake_telegram, session_factory, command, language
):
    if language == "id":  # start from English, to see the change
        with session_factory.begin() as session:
            session.add(Contact(channel="telegram", external_id=str(tg.CHAT_ID),
                                conversation_id="c-1", language="en"))  # fmt: skip
    await gateway.post(tg.text(16, command))
    await fake_telegram.wait_for("sendMessage")
    assert fake_telegram.sent_texts() == [texts.LANGUAGE_SET[language]]
    with session_factory() as session:
        assert session.execute(select(Contact.language)).scalar_one() == language


# ----- buttons --------------------------------------------------------------------------------


async def test_a_button_we_sent_round_trips_to_its_payload(gateway, fake_telegram, fake_rasa):
    await gateway.post(tg.text(1, "halo"))
    await fake_telegram.wait_for("sendMessage")
    button = keyboard(fake_telegram.calls_of("sendMessage")[0])[0][0]
    assert button["text"] == "Kuota"
    data = button["callback_data"]
    assert data.startswith("b:") and "/ask_quota" not in data and len(data.encode()) <= 64

    assert (await gateway.post(tg.callback(2, data))).status == 200
    await fake_telegram.wait_for("sendMessage", 2)
    assert fake_rasa.processed() == ["halo", "/ask_quota"]
    assert fake_telegram.sent_texts()[1] == ANSWER.format("/ask_quota")
    await fake_telegram.wait_for("answerCallbackQuery")
    assert fake_telegram.calls_of("answerCallbackQuery")[0]["callback_query_id"] == "cbq-2"


async def test_a_forged_press_on_another_chats_reply_does_nothing(
    gateway, fake_telegram, fake_rasa, session_factory
):
    await gateway.post(tg.text(1, "rahasia", chat_id=tg.OTHER_CHAT_ID))
    await fake_telegram.wait_for("sendMessage")
    data = keyboard(fake_telegram.calls_of("sendMessage")[0])[0][0]["callback_data"]
    assert (await gateway.post(tg.callback(2, data, chat_id=tg.CHAT_ID))).status == 200
    await barrier(gateway, fake_telegram, 3)
    assert fake_rasa.processed() == ["rahasia", "barrier"]
    mine = select(Contact.id).where(Contact.external_id == str(tg.CHAT_ID)).scalar_subquery()
    assert count(session_factory, InboundMessage.id, InboundMessage.contact_id == mine) == 1


async def test_a_press_whose_payload_is_no_longer_offered_does_nothing(
    gateway, fake_telegram, fake_rasa
):
    def many_choices(sender: str, message: str) -> list[dict]:
        if message != "banyak":
            return [{"recipient_id": sender, "text": "Ada lagi?",
                     "buttons": [{"title": "Kuota", "payload": "/ask_quota"}]}]  # fmt: skip
        return [
            {
                "recipient_id": sender,
                "text": f"pilihan {i}",
                "buttons": [{"title": "Ya", "payload": "/affirm"}],
            }  # fmt: skip
            for i in range(OFFERED_WINDOW)
        ]

    fake_rasa.answer = many_choices
    await gateway.post(tg.text(1, "halo"))
    await fake_telegram.wait_for("sendMessage")
    old = keyboard(fake_telegram.calls_of("sendMessage")[0])[0][0]["callback_data"]
    await gateway.post(tg.text(2, "banyak"))  # pushes the first reply out of the window
    await fake_telegram.wait_for("sendMessage", 1 + OFFERED_WINDOW)
    assert (await gateway.post(tg.callback(3, old))).status == 200
    await gateway.post(tg.text(4, "lagi"))
    await fake_telegram.wait_for("sendMessage", 2 + OFFERED_WINDOW)
    assert fake_rasa.processed() == ["halo", "banyak", "lagi"]


async def test_a_reserved_payload_offered_by_mistake_is_refused(gateway, fake_telegram, fake_rasa):
    def offers_restart(sender: str, message: str) -> list[dict]:
        buttons = [{"title": "Ulang", "payload": "/restart"}]
        return [{"recipient_id": sender, "text": f"jawaban untuk: {message}", "buttons": buttons}]

    fake_rasa.answer = offers_restart
    await gateway.post(tg.text(1, "halo"))
    await fake_telegram.wait_for("sendMessage")
    data = keyboard(fake_telegram.calls_of("sendMessage")[0])[0][0]["callback_data"]
    assert (await gateway.post(tg.callback(2, data))).status == 200
    await gateway.post(tg.text(3, "lagi"))
    await fake_telegram.wait_for("sendMessage", 2)
    assert fake_rasa.processed() == ["halo", "lagi"]


@pytest.mark.parametrize("data", ["/ask_quota", "b:x:y", "b:999999:0"])
async def test_every_button_press_stops_the_spinner(gateway, fake_telegram, data):
    """The Bot API: clients show a progress bar until answerCallbackQuery, so always call it."""
    assert (await gateway.post(tg.callback(1, data))).status == 200
    await fake_telegram.wait_for("answerCallbackQuery", timeout=3)
    assert fake_telegram.calls_of("answerCallbackQuery")[0]["callback_query_id"] == "cbq-1"


# ----- a turn's texts in as few messages as 4096 characters allow -----------------------------

FEES = [
    "Biaya paspor (PNBP):\n• Paspor biasa 48 halaman, 5 tahun: Rp 350.000\n"
    "• Paspor biasa 48 halaman, 10 tahun: Rp 650.000\n• Paspor elektronik, 10 tahun: Rp 950.000",
    "Pembayaran melalui bank persepsi, kantor pos, atau marketplace dengan kode billing "
    "dari aplikasi M-Paspor. Simpan *bukti bayar* Anda.",
    "Biaya dibayar _setelah_ permohonan disetujui & jadwal wawancara ditetapkan.",
    "Ada lagi yang ingin ditanyakan?",
]


def answers(texts_: list[str]):
    def answer(sender: str, _message: str) -> list[dict]:
        replies: list[dict] = [{"recipient_id": sender, "text": text} for text in texts_]
        replies[-1]["buttons"] = [{"title": "Syarat", "payload": "/ask_requirements"}]
        return replies

    return answer


async def test_four_short_texts_go_out_as_one_message(gateway, fake_telegram, fake_rasa):
    fake_rasa.answer = answers(FEES)
    await gateway.post(tg.text(1, "berapa biaya paspor?"))
    await fake_telegram.wait_for("sendMessage")
    fake_rasa.answer = answers(["selesai"])
    await gateway.post(tg.text(2, "lagi"))  # its answer comes after every part of the first
    await fake_telegram.wait_for("sendMessage", 2)
    fees, later = fake_telegram.calls_of("sendMessage")
    assert later["text"] == "selesai"
    assert fees["text"].startswith("Biaya paspor (PNBP):\n• Paspor biasa")
    assert fees["text"].count("\n\n") == 3
    assert "<b>bukti bayar</b>" in fees["text"] and "&amp; jadwal" in fees["text"]
    assert [row[0]["text"] for row in keyboard(fees)] == ["Syarat"]


async def test_four_long_texts_go_out_as_four_with_buttons_on_the_last(
    gateway, fake_telegram, fake_rasa, session_factory
):
    long_texts = [letter * 3000 for letter in "abcd"]
    fake_rasa.answer = answers(long_texts)
    await gateway.post(tg.text(1, "panjang"))
    await fake_telegram.wait_for("sendMessage", 4)
    sent = fake_telegram.calls_of("sendMessage")
    assert [params["text"] for params in sent] == long_texts
    assert ["reply_markup" in params for params in sent] == [False, False, False, True]
    assert count(session_factory, OutboundMessage.id) == 4


async def test_a_10000_character_answer_arrives_whole_in_parts_at_sentence_ends(
    gateway, fake_telegram, fake_rasa
):
    answer = official_answer(10_000)
    long_answer, later_answer = answers([answer]), answers(["selesai"])
    fake_rasa.answer = lambda sender, text: (later_answer if text == "lagi" else long_answer)(
        sender, text
    )
    await gateway.post(tg.text(1, "syarat izin tinggal terbatas?"))
    await gateway.post(tg.text(2, "lagi"))  # answered after every part of the first
    await eventually(lambda: fake_telegram.sent_texts()[-1:] == ["selesai"])
    *parts, _later = fake_telegram.calls_of("sendMessage")
    assert len(parts) >= 3
    assert all(len(params["text"]) <= 4096 for params in parts)
    assert visible("".join(params["text"] for params in parts)) == visible(answer)
    assert all(params["text"].endswith((".", ";")) for params in parts)
    assert ["reply_markup" in params for params in parts] == [False] * (len(parts) - 1) + [True]


# ----- de-duplication, and Rasa down -----------------------------------------------------------


async def test_the_same_update_twice_is_answered_once(
    gateway, fake_telegram, fake_rasa, session_factory
):
    update = tg.text(7, "jam buka kantor?")
    assert (await gateway.post(update)).status == 200
    await fake_telegram.wait_for("sendMessage")
    assert (await gateway.post(update)).status == 200
    await barrier(gateway, fake_telegram, 8)
    assert fake_rasa.processed() == ["jam buka kantor?", "barrier"]
    assert fake_telegram.sent_texts() == [
        ANSWER.format("jam buka kantor?"),
        ANSWER.format("barrier"),
    ]
    assert count(session_factory, InboundMessage.id) == 2


@pytest.mark.parametrize("second_id", [11, 10])
async def test_two_chats_updates_are_independent(
    gateway, fake_telegram, fake_rasa, session_factory, second_id
):
    await gateway.post(tg.text(10, "dari satu", chat_id=tg.CHAT_ID))
    await gateway.post(tg.text(second_id, "dari dua", chat_id=tg.OTHER_CHAT_ID))
    await fake_telegram.wait_for("sendMessage", 2)
    by_chat = {
        params["chat_id"]: params["text"] for params in fake_telegram.calls_of("sendMessage")
    }
    assert by_chat == {
        str(tg.CHAT_ID): ANSWER.format("dari satu"),
        str(tg.OTHER_CHAT_ID): ANSWER.format("dari dua"),
    }
    assert count(session_factory, InboundMessage.id) == 2


async def test_rasa_down_keeps_updates_and_answers_them_in_order_when_back(
    gateway, fake_telegram, fake_rasa, session_factory
):
    fake_rasa.mode = "unavailable"
    assert (await gateway.post(tg.text(20, "jam buka?"))).status == 200
    assert (await gateway.post(tg.text(21, "dan hari sabtu?"))).status == 200
    assert count(session_factory, InboundMessage.id) == 2  # recorded: Telegram need not retry
    await eventually(lambda: len(fake_rasa.received) > 2)  # tried, probed, and kept
    assert fake_telegram.calls_of("sendMessage") == []
    fake_rasa.mode = "answer"
    await fake_telegram.wait_for("sendMessage", 2)
    assert fake_rasa.processed() == ["jam buka?", "dan hari sabtu?"]
    assert fake_telegram.sent_texts() == [
        ANSWER.format("jam buka?"),
        ANSWER.format("dan hari sabtu?"),
    ]
