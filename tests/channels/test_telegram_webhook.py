"""The Telegram webhook through the real gateway and PTB, with fake Telegram and Rasa servers."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.channels.telegram_webhook import TELEGRAM, WEBHOOK_PATH
from bot.inbox.models import Contact, InboundMessage, OutboundMessage
from tests.channels.conftest import HEADERS, SECRET
from tests.helpers import telegram_updates as tg

pytestmark = pytest.mark.timeout(60)


async def post(client, update, headers=HEADERS):
    return await client.post(WEBHOOK_PATH, json=update, headers=headers)


def count(session_factory, column) -> int:
    with session_factory() as session:
        return session.execute(select(func.count(column))).scalar_one()


async def test_text_update_gets_the_answer_via_send_message(gateway, fake_telegram, fake_rasa):
    response = await post(gateway, tg.text(1, "kapan kuota dibuka?"))
    assert response.status == 200
    await fake_telegram.wait_for("sendMessage", 2)
    first, second = fake_telegram.calls_of("sendMessage")
    assert first["chat_id"] == str(tg.CHAT_ID)
    assert first["text"] == "jawaban untuk: kapan kuota dibuka?"
    assert first["parse_mode"] == "HTML"
    assert second["text"] == "Ada lagi?"
    assert fake_rasa.received[0]["message"] == "kapan kuota dibuka?"


async def test_rasa_never_sees_telegram_ids_or_names(
    gateway, fake_telegram, fake_rasa, session_factory
):
    await post(gateway, tg.text(1, "halo"))
    await fake_telegram.wait_for("sendMessage", 2)
    (received,) = fake_rasa.received
    flat = str(received)
    for private in (str(tg.CHAT_ID), "Testusername", "Test Firstname", "Lastname"):
        assert private not in flat
    assert received["metadata"] == {"channel": "telegram", "language": "id"}
    with session_factory() as session:
        contact = session.execute(select(Contact)).scalar_one()
    assert received["sender"] == contact.conversation_id
    assert contact.external_id == str(tg.CHAT_ID)


async def test_a_button_tap_round_trips(gateway, fake_telegram, fake_rasa, session_factory):
    await post(gateway, tg.text(1, "halo"))
    await fake_telegram.wait_for("sendMessage", 2)
    keyboard = fake_telegram.calls_of("sendMessage")[1]["reply_markup"]["inline_keyboard"]
    assert [[button["text"] for button in row] for row in keyboard] == [["Kuota"]]
    data = keyboard[0][0]["callback_data"]
    assert len(data.encode()) <= 64 and "/ask_quota" not in data

    response = await post(gateway, tg.callback(2, data))
    assert response.status == 200
    assert fake_rasa.received[-1]["message"] == "/ask_quota"
    (answered,) = fake_telegram.calls_of("answerCallbackQuery")
    assert answered["callback_query_id"] == "cbq-2"
    (edited,) = fake_telegram.calls_of("editMessageReplyMarkup")
    assert edited["chat_id"] == str(tg.CHAT_ID) and "reply_markup" not in edited
    await fake_telegram.wait_for("sendMessage", 4)
    assert fake_telegram.sent_texts()[2] == "jawaban untuk: /ask_quota"


async def test_a_forged_button_reaches_nobody(gateway, fake_telegram, fake_rasa):
    for update_id, data in enumerate(["b:999:0", "/ask_quota", "b:x:y"], start=1):
        assert (await post(gateway, tg.callback(update_id, data))).status == 200
    assert fake_rasa.received == []
    assert len(fake_telegram.calls_of("answerCallbackQuery")) == 3  # the spinner always stops


@pytest.mark.parametrize(
    "headers", [{}, {"X-Telegram-Bot-Api-Secret-Token": "wrong-secret-1234567"}]
)
async def test_missing_or_wrong_secret_is_401_and_reaches_nobody(
    gateway, fake_telegram, fake_rasa, session_factory, headers
):
    response = await post(gateway, tg.text(1, "halo"), headers=headers)
    assert response.status == 401
    assert fake_rasa.received == []
    assert count(session_factory, InboundMessage.id) == 0
    assert count(session_factory, Contact.id) == 0
    assert fake_telegram.calls_of("sendMessage") == []


async def test_secret_is_checked_before_the_body_is_parsed(gateway, fake_rasa):
    response = await gateway.post(
        WEBHOOK_PATH, data=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status == 401


async def test_the_same_update_twice_is_answered_once(
    gateway, fake_telegram, fake_rasa, session_factory
):
    update = tg.text(7, "jam buka kantor?")
    assert (await post(gateway, update)).status == 200
    await fake_telegram.wait_for("sendMessage", 2)
    assert (await post(gateway, update)).status == 200
    channel = gateway.server.app[TELEGRAM]
    assert await channel.sender.run_once() == 0  # nothing new queued by the second delivery
    assert len(fake_rasa.received) == 1
    assert fake_telegram.sent_texts() == ["jawaban untuk: jam buka kantor?", "Ada lagi?"]
    assert count(session_factory, InboundMessage.id) == 1
    assert count(session_factory, OutboundMessage.id) == 2


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"{not json", 400),
        (b"\xff\xfe", 400),
        (b"[1, 2]", 400),
        (b'{"update_id": "x", "message": {}}', 400),
        (b'{"update_id": 5}', 422),
        (b'{"update_id": 5, "telepathy": {"thought": "halo"}}', 422),
        (b'{"update_id": 5, "message": "not an object"}', 400),
        (b'{"update_id": 5, "message": {"text": "no chat, no date"}}', 400),
    ],
)
async def test_bad_bodies_get_a_4xx_never_500(gateway, fake_rasa, session_factory, body, status):
    response = await gateway.post(
        WEBHOOK_PATH, data=body, headers={**HEADERS, "Content-Type": "application/json"}
    )
    assert response.status == status
    assert "error" in await response.json()
    assert fake_rasa.received == []
    assert count(session_factory, InboundMessage.id) == 0


async def test_oversized_body_is_413(gateway, fake_rasa):
    body = b'{"update_id": 1, "message": {"text": "' + b"a" * 70_000 + b'"}}'
    response = await gateway.post(
        WEBHOOK_PATH, data=body, headers={**HEADERS, "Content-Type": "application/json"}
    )
    assert response.status == 413
    assert fake_rasa.received == []


async def test_an_update_type_we_do_not_handle_is_acknowledged(gateway, fake_rasa):
    update = {
        "update_id": 9,
        "inline_query": {
            "id": "1",
            "from": {"id": 1, "is_bot": False, "first_name": "A"},
            "query": "q",
            "offset": "",
        },
    }
    response = await post(gateway, update)
    assert response.status == 200
    assert (await response.json())["ignored"] is True
    assert fake_rasa.received == []


async def test_edited_message_is_ignored(gateway, fake_telegram, fake_rasa, session_factory):
    assert (await post(gateway, tg.edited(3, "Hello!"))).status == 200
    assert fake_rasa.received == []
    assert count(session_factory, InboundMessage.id) == 0


async def test_group_message_without_mention_is_ignored(gateway, fake_rasa, session_factory):
    assert (await post(gateway, tg.text(4, "kapan kuota?", chat_id=tg.GROUP_ID))).status == 200
    assert fake_rasa.received == []
    assert count(session_factory, InboundMessage.id) == 0


async def test_group_message_mentioning_the_bot_is_answered(gateway, fake_telegram, fake_rasa):
    value = "@paspor_test_bot kapan kuota?"
    entities = [{"type": "mention", "offset": 0, "length": len("@paspor_test_bot")}]
    await post(gateway, tg.text(5, value, chat_id=tg.GROUP_ID, entities=entities))
    assert fake_rasa.received[0]["message"] == "kapan kuota?"
    await fake_telegram.wait_for("sendMessage", 2)
    assert fake_telegram.calls_of("sendMessage")[0]["chat_id"] == str(tg.GROUP_ID)


@pytest.mark.parametrize("kind", sorted(tg.MEDIA))
async def test_media_gets_a_polite_reply(gateway, fake_telegram, fake_rasa, kind):
    assert (await post(gateway, tg.message(6, **tg.MEDIA[kind]))).status == 200
    await fake_telegram.wait_for("sendMessage")
    (reply,) = fake_telegram.sent_texts()
    assert "belum bisa membaca foto" in reply and "/help" in reply
    assert fake_rasa.received == []


async def test_location_gets_the_office_list(gateway, fake_telegram, fake_rasa, session_factory):
    from bot.schedule.demo import seed_demo

    with session_factory.begin() as session:
        seed_demo(session=session, now=fake_telegram_now())
    await post(gateway, tg.message(8, **tg.LOCATION))
    await fake_telegram.wait_for("sendMessage")
    (reply,) = fake_telegram.sent_texts()
    assert "<b>Kantor Imigrasi" in reply and "Singkawang" in reply
    assert fake_rasa.received == []


def fake_telegram_now():
    from bot.db.base import utcnow

    return utcnow()


async def test_start_sends_the_greeting_through_rasa(gateway, fake_rasa):
    await post(gateway, tg.text(10, "/start"))
    assert fake_rasa.received[0]["message"] == "/greet"


async def test_help_and_unknown_commands_answer_without_rasa(gateway, fake_telegram, fake_rasa):
    await post(gateway, tg.text(11, "/help"))
    await post(gateway, tg.text(12, "/foo"))
    await fake_telegram.wait_for("sendMessage", 2)
    assert all("/bahasa" in text for text in fake_telegram.sent_texts())
    assert fake_rasa.received == []


async def test_bahasa_stores_the_language_and_passes_it_to_rasa(
    gateway, fake_telegram, fake_rasa, session_factory
):
    await post(gateway, tg.text(13, "/bahasa"))
    await fake_telegram.wait_for("sendMessage")
    keyboard = fake_telegram.calls_of("sendMessage")[0]["reply_markup"]["inline_keyboard"]
    english = keyboard[1][0]
    assert english["text"].endswith("English")
    await post(gateway, tg.callback(14, english["callback_data"]))
    await fake_telegram.wait_for("sendMessage", 2)
    assert "English" in fake_telegram.sent_texts()[1]
    with session_factory() as session:
        assert session.execute(select(Contact.language)).scalar_one() == "en"
    await post(gateway, tg.text(15, "fees?"))
    assert fake_rasa.received[0]["metadata"]["language"] == "en"
    await post(gateway, tg.text(16, "/bahasa id"))
    with session_factory() as session:
        assert session.execute(select(Contact.language)).scalar_one() == "id"


async def test_rasa_down_keeps_the_update_and_the_retry_is_delivered(
    gateway, fake_telegram, fake_rasa, session_factory
):
    fake_rasa.mode = "error"
    assert (await post(gateway, tg.text(20, "jam buka?"))).status == 200  # recorded: no redelivery
    fake_rasa.mode = "answer"
    with session_factory.begin() as session:
        row = session.execute(select(InboundMessage)).scalar_one()
        assert row.status == "failed"
        row.next_attempt_at = row.received_at
    from bot.gateway.keys import INBOX

    assert await gateway.server.app[INBOX].retry_due() == 1
    gateway.server.app[TELEGRAM].sender.wake()
    await fake_telegram.wait_for("sendMessage", 2)
    assert fake_telegram.sent_texts()[0] == "jawaban untuk: jam buka?"


async def test_webhook_refuses_everything_without_a_configured_secret(
    aiohttp_client, settings, session_factory, fake_rasa
):
    from dataclasses import replace

    from tests.channels.conftest import start_gateway

    client = await start_gateway(
        aiohttp_client, replace(settings, telegram_webhook_secret=""), session_factory
    )
    for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": ""}, HEADERS):
        assert (await post(client, tg.text(1, "halo"), headers=headers)).status == 401
    assert SECRET and fake_rasa.received == []
