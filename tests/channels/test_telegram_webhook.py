"""The webhook's HTTP contract with Telegram, through the real gateway, PTB and the fakes.

Telegram delivers an update again, forever, until it gets a 2xx: what comes from Telegram (the
right secret) but cannot be used is answered 200 and logged; only a body over the limit (413),
a wrong secret (401) and an update that could not be recorded (503) are refused.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import replace

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import sessionmaker

from bot.channels.telegram.webhook import MAX_UPDATE_BYTES, SECRET_HEADER, WEBHOOK_PATH
from bot.inbox.models import Contact, InboundMessage
from tests.channels.conftest import HEADERS, SECRET, count
from tests.helpers import telegram_updates as tg

pytestmark = pytest.mark.timeout(60)

ANSWER = "jawaban untuk: {}\n\nAda lagi?"  # the fake Rasa's two texts, packed into one message


async def test_a_text_is_answered_with_one_send_message(gateway, fake_telegram, fake_rasa):
    response = await gateway.post(tg.text(1, "kapan kuota dibuka?"))
    assert response.status == 200 and await response.json() == {"ok": True}
    await fake_telegram.wait_for("sendMessage")
    (sent,) = fake_telegram.calls_of("sendMessage")
    assert sent["chat_id"] == str(tg.CHAT_ID)
    assert sent["text"] == ANSWER.format("kapan kuota dibuka?")
    assert sent["parse_mode"] == "HTML"
    assert fake_rasa.processed() == ["kapan kuota dibuka?"]


async def test_rasa_never_sees_telegram_ids_or_names(
    gateway, fake_telegram, fake_rasa, session_factory
):
    await gateway.post(tg.text(1, "halo"))
    await fake_telegram.wait_for("sendMessage")
    (received,) = fake_rasa.received
    flat = str(received)
    for private in (str(tg.CHAT_ID), "Testusername", "Test Firstname", "Lastname"):
        assert private not in flat
    assert received["metadata"] == {"channel": "telegram", "language": "id"}
    with session_factory() as session:
        contact = session.execute(select(Contact)).scalar_one()
    assert received["sender"] == contact.conversation_id
    assert contact.external_id == str(tg.CHAT_ID)


async def test_the_update_is_recorded_and_acknowledged_before_rasa_answers(
    gateway, fake_telegram, fake_rasa, session_factory
):
    fake_rasa.mode, fake_rasa.delay = "slow", 1.0
    started = time.monotonic()
    response = await gateway.post(tg.text(1, "halo"))
    assert response.status == 200
    assert time.monotonic() - started < 0.8  # Telegram is not kept waiting for Rasa
    assert fake_rasa.processed() == []
    assert count(session_factory, InboundMessage.id) == 1  # recorded: safe to acknowledge
    await fake_telegram.wait_for("sendMessage")
    assert fake_telegram.sent_texts() == [ANSWER.format("halo")]


# ----- authentication and size ----------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, {SECRET_HEADER: "wrong-secret-1234567"}])
async def test_a_missing_or_wrong_secret_is_401_even_with_a_valid_update(
    gateway, fake_telegram, fake_rasa, session_factory, headers
):
    response = await gateway.post(tg.text(1, "halo"), headers=headers)
    assert response.status == 401
    assert count(session_factory, InboundMessage.id) == 0
    assert count(session_factory, Contact.id) == 0
    assert fake_rasa.received == []
    assert fake_telegram.calls_of("sendMessage") == []


async def test_the_secret_is_checked_before_the_body_is_read(gateway, fake_rasa):
    response = await gateway.post_raw(b"{not json", headers={SECRET_HEADER: "nope-nope-nope-nope"})
    assert response.status == 401
    oversized = b"x" * (MAX_UPDATE_BYTES + 1)
    response = await gateway.post_raw(oversized, headers={SECRET_HEADER: ""})
    assert response.status == 401


async def test_without_a_configured_secret_everything_is_refused(
    make_gateway, telegram_settings, fake_rasa
):
    gateway = await make_gateway(telegram=replace(telegram_settings, webhook_secret=""))
    for headers in ({}, {SECRET_HEADER: ""}, HEADERS):
        assert (await gateway.post(tg.text(1, "halo"), headers=headers)).status == 401
    assert SECRET and fake_rasa.received == []


@pytest.mark.parametrize("declared", [True, False])
async def test_a_body_over_the_limit_is_413(gateway, fake_rasa, session_factory, declared):
    update = tg.text(1, "a" * MAX_UPDATE_BYTES)
    body = json.dumps(update).encode()

    async def chunks():  # no Content-Length: the limit holds while reading
        for start in range(0, len(body), 65536):
            yield body[start : start + 65536]

    response = await gateway.client.post(
        WEBHOOK_PATH,
        data=body if declared else chunks(),
        headers={**HEADERS, "Content-Type": "application/json"},
    )
    assert response.status == 413
    assert count(session_factory, InboundMessage.id) == 0
    assert fake_rasa.received == []


# ----- defect: a body in several TCP packets ------------------------------------------------


async def raw_post(gateway, body: bytes, *, pause: float) -> tuple[int, bytes]:
    """POST the body in two TCP packets `pause` seconds apart; return status and body."""
    server = gateway.client.server
    reader, writer = await asyncio.open_connection(server.host, server.port)
    head = (
        f"POST {WEBHOOK_PATH} HTTP/1.1\r\nHost: {server.host}:{server.port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        f"{SECRET_HEADER}: {SECRET}\r\nConnection: close\r\n\r\n"
    ).encode()
    half = len(body) // 2
    writer.write(head + body[:half])
    await writer.drain()
    await asyncio.sleep(pause)
    writer.write(body[half:])
    await writer.drain()
    response = await asyncio.wait_for(reader.read(), 10)
    writer.close()
    status_line, _, rest = response.partition(b"\r\n")
    return int(status_line.split()[1]), rest.partition(b"\r\n\r\n")[2]


async def test_a_body_in_two_packets_is_read_whole_and_answered(gateway, fake_telegram, fake_rasa):
    body = json.dumps(tg.text(1, "jam buka kantor imigrasi pontianak?")).encode()
    status, answer = await raw_post(gateway, body, pause=0.01)
    assert status == 200, answer
    assert json.loads(answer) == {"ok": True}
    await fake_telegram.wait_for("sendMessage")
    assert fake_rasa.processed() == ["jam buka kantor imigrasi pontianak?"]
    assert fake_telegram.sent_texts() == [ANSWER.format("jam buka kantor imigrasi pontianak?")]


# ----- defect: unusable updates are acknowledged, not refused forever -----------------------


def changed(update: dict, drop: str = "", **fields: object) -> dict:
    """The update with fields of its message replaced (or one dropped)."""
    message = {k: v for k, v in update["message"].items() if k != drop}
    return {**update, "message": {**message, **fields}}


UNUSABLE = {
    "message without chat": changed(tg.text(5, "halo"), drop="chat"),
    "text is a number": changed(tg.text(5, "halo"), text=42),
    "malformed entities": tg.text(5, "/start", entities=[{"type": "bot_command", "offset": "0"}]),
    "callback data not ours": tg.callback(5, "/ask_quota"),
    "callback data garbled": tg.callback(5, "b:x:y"),
    "edited message": tg.edited(5, "Hello!"),
    "inline query": tg.inline_query(5),
    "unknown key": {"update_id": 5, "foo": {}},
    "update_id missing": {"message": tg.text(5, "halo")["message"]},
    "message not an object": {"update_id": 5, "message": "halo"},
    "group message not for the bot": tg.text(5, "kapan kuota?", chat_id=tg.GROUP_ID),
}
UNREADABLE = {
    "not JSON": b"{not json",
    "not UTF-8": b'{"update_id": 5, "message": "\xff\xfe"}',
    "a JSON array": b"[1, 2]",
    "empty": b"",
}


async def assert_only_later_text_is_answered(gateway, fake_telegram, fake_rasa) -> None:
    """A later update of the chat gets its answer, and it is the only thing that happened."""
    assert (await gateway.post(tg.text(9, "halo"))).status == 200
    await fake_telegram.wait_for("sendMessage")
    assert fake_rasa.processed() == ["halo"]
    assert fake_telegram.sent_texts() == [ANSWER.format("halo")]


@pytest.mark.parametrize("name", sorted(UNUSABLE))
async def test_an_unusable_update_is_skipped_with_200_every_time(
    gateway, fake_telegram, fake_rasa, session_factory, caplog, name
):
    caplog.set_level(logging.INFO, logger="bot.channels.telegram")
    for _ in range(2):  # Telegram's redelivery gets the same answer: no loop
        response = await gateway.post(UNUSABLE[name])
        assert response.status == 200, await response.text()
        assert (await response.json())["ok"] is True
    assert count(session_factory, InboundMessage.id) == 0
    assert any("skipped" in record.getMessage() for record in caplog.records)
    await assert_only_later_text_is_answered(gateway, fake_telegram, fake_rasa)


@pytest.mark.parametrize("name", sorted(UNREADABLE))
async def test_an_unreadable_body_is_skipped_with_200_every_time(
    gateway, fake_telegram, fake_rasa, session_factory, caplog, name
):
    caplog.set_level(logging.INFO, logger="bot.channels.telegram")
    for _ in range(2):
        response = await gateway.post_raw(UNREADABLE[name])
        assert response.status == 200, await response.text()
        assert (await response.json())["ok"] is True
    assert count(session_factory, InboundMessage.id) == 0
    assert any("skipped" in record.getMessage() for record in caplog.records)
    await assert_only_later_text_is_answered(gateway, fake_telegram, fake_rasa)


# ----- what must be delivered again ---------------------------------------------------------


async def test_an_update_that_cannot_be_recorded_is_503_for_redelivery(
    make_gateway, tmp_path, fake_rasa
):
    broken = create_engine(f"sqlite:///{tmp_path / 'missing-dir' / 'bot.db'}", future=True)
    gateway = await make_gateway(factory=sessionmaker(bind=broken, future=True))
    response = await gateway.post(tg.text(1, "halo"))
    assert response.status == 503
    assert response.headers["Retry-After"] == "5"
    assert fake_rasa.received == []


async def test_before_the_channel_is_ready_updates_are_503(make_gateway, fake_telegram):
    fake_telegram.hold("getMe")
    gateway = await make_gateway(wait_ready=False)
    response = await gateway.post(tg.text(1, "halo"))
    assert response.status == 503 and response.headers["Retry-After"] == "5"
    fake_telegram.release("getMe")
    await asyncio.wait_for(gateway.channel.ready.wait(), 10)
    assert (await gateway.post(tg.text(1, "halo"))).status == 200
    await fake_telegram.wait_for("sendMessage")


@pytest.mark.parametrize("typed", ["/start \ud800", "/bahasa \x00en", "/help \u0000\u0000"])
async def test_a_commands_argument_is_cleaned_like_typed_text(
    gateway, fake_telegram, fake_rasa, session_factory, typed
):
    response = await gateway.post(tg.text(70, typed))
    assert response.status == 200, await response.text()
    assert count(session_factory, InboundMessage.id) == 1
    with session_factory() as session:
        detail = session.execute(select(InboundMessage.text)).scalar_one()
    assert "\x00" not in detail and "\ud800" not in detail


async def test_an_update_the_database_refuses_is_skipped_not_redelivered_forever(
    gateway, fake_rasa, monkeypatch, caplog
):
    from sqlalchemy.exc import DataError

    from bot.inbox import store

    def refuse(**_kwargs):
        raise DataError("INSERT ...", {}, Exception("value too long"))

    monkeypatch.setattr(store, "record", refuse)
    for _ in range(2):
        response = await gateway.post(tg.text(71, "halo"))
        assert response.status == 200
    assert any("could not be handled" in r.getMessage() for r in caplog.records)
