"""The web chat JSON API through the real gateway app, with a fake Rasa behind it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.gateway.app import create_app
from bot.gateway.keys import INBOX
from bot.inbox.inbox import Inbox
from bot.inbox.models import Contact, InboundMessage, OutboundMessage
from bot.settings import Settings
from tests.helpers.fake_rasa import FakeRasa

TOKEN = "test-token-123"


@pytest.fixture
async def fake_rasa(aiohttp_server):
    fake = FakeRasa(token=TOKEN)
    server = await aiohttp_server(fake.app())
    fake.url = str(server.make_url("")).rstrip("/")  # type: ignore[attr-defined]
    return fake


@pytest.fixture
async def client(aiohttp_client, fake_rasa, db_url, session_factory):
    settings = Settings(
        env="test",
        database_url=db_url,
        rasa_url=fake_rasa.url,
        rasa_token=TOKEN,
        action_server_url="http://127.0.0.1:9",  # nothing listens there
    )
    app = create_app(settings, session_factory=session_factory, retry_interval_seconds=3600)
    return await aiohttp_client(app)


async def test_message_gets_the_assistants_replies(client, fake_rasa):
    response = await client.post(
        "/api/messages", json={"sender": "web-1", "text": "kapan kuota dibuka?", "message_id": "m1"}
    )
    assert response.status == 200
    body = await response.json()
    assert body["status"] == "processed"
    assert [r["text"] for r in body["replies"]] == [
        "jawaban untuk: kapan kuota dibuka?",
        "Ada lagi?",
    ]
    assert body["replies"][1]["buttons"] == [{"title": "Kuota", "payload": "/ask_quota"}]


async def test_rasa_sees_an_opaque_conversation_id_not_the_sender(client, fake_rasa, session):
    await client.post("/api/messages", json={"sender": "web-secret-user", "text": "halo"})
    await client.post("/api/messages", json={"sender": "web-secret-user", "text": "lagi"})
    senders = {item["sender"] for item in fake_rasa.received}
    assert len(senders) == 1
    (conversation_id,) = senders
    assert "web-secret-user" not in conversation_id
    contact = session.execute(select(Contact)).scalar_one()
    assert contact.conversation_id == conversation_id


async def test_duplicate_delivery_is_processed_once(client, fake_rasa):
    message = {"sender": "web-1", "text": "halo", "message_id": "dup-1"}
    first = await (await client.post("/api/messages", json=message)).json()
    second_response = await client.post("/api/messages", json=message)
    second = await second_response.json()
    assert len(fake_rasa.received) == 1
    assert second_response.status == 200
    assert second["status"] == "duplicate"
    assert second["replies"] == first["replies"]


async def test_button_payload_reaches_rasa(client, fake_rasa):
    response = await client.post("/api/messages", json={"sender": "web-1", "payload": "/ask_quota"})
    assert response.status == 200
    assert fake_rasa.received[0]["message"] == "/ask_quota"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"text": "halo"}, "sender"),
        ({"sender": "a b", "text": "halo"}, "sender"),
        ({"sender": "web-1"}, "exactly one"),
        ({"sender": "web-1", "text": "halo", "payload": "/greet"}, "exactly one"),
        ({"sender": "web-1", "text": "   "}, "non-empty"),
        ({"sender": "web-1", "text": "x" * 5000}, "longer"),
        ({"sender": "web-1", "payload": "greet"}, "payload"),
        ({"sender": "web-1", "text": "halo", "message_id": "bad id!"}, "message_id"),
        ({"sender": "web-1", "text": "halo", "language": "fr"}, "language"),
        (["not", "an", "object"], "JSON object"),
    ],
)
async def test_bad_messages_get_a_clear_400(client, fake_rasa, body, reason):
    response = await client.post("/api/messages", json=body)
    assert response.status == 400
    assert reason in (await response.json())["error"]
    assert fake_rasa.received == []


async def test_malformed_json_is_a_400(client):
    response = await client.post(
        "/api/messages", data=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status == 400
    assert "JSON" in (await response.json())["error"]


async def test_oversized_body_is_a_413(client, fake_rasa):
    response = await client.post(
        "/api/messages",
        data=b'{"sender": "web-1", "text": "' + b"a" * 70_000 + b'"}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status == 413
    assert fake_rasa.received == []


async def test_rasa_down_keeps_the_message_and_a_retry_delivers_it(
    client, fake_rasa, session_factory
):
    fake_rasa.mode = "error"
    response = await client.post(
        "/api/messages", json={"sender": "web-9", "text": "jam buka?", "message_id": "m-down"}
    )
    assert response.status == 503
    assert response.headers["Retry-After"] == "5"
    with session_factory() as session:
        row = session.execute(select(InboundMessage)).scalar_one()
        assert (row.status, row.attempts, row.text) == ("failed", 1, "jam buka?")

    fake_rasa.mode = "answer"
    inbox: Inbox = client.server.app[INBOX]
    with session_factory.begin() as session:  # the retry time has come
        row = session.execute(select(InboundMessage)).scalar_one()
        row.next_attempt_at = row.received_at
    assert await inbox.retry_due() == 1

    polled = await (await client.get("/api/messages", params={"sender": "web-9"})).json()
    assert [r["text"] for r in polled["replies"]][0] == "jawaban untuk: jam buka?"
    with session_factory() as session:
        assert session.execute(select(InboundMessage.status)).scalar_one() == "processed"
        statuses = session.execute(select(OutboundMessage.status)).scalars().all()
        assert statuses == ["delivered", "delivered"]


async def test_silent_rasa_counts_as_a_failure(client, fake_rasa):
    fake_rasa.mode = "silent"
    response = await client.post("/api/messages", json={"sender": "web-1", "text": "halo"})
    assert response.status == 503


async def test_client_retry_with_the_same_id_after_a_failure_is_answered(client, fake_rasa):
    message = {"sender": "web-1", "text": "halo", "message_id": "retry-1"}
    fake_rasa.mode = "error"
    assert (await client.post("/api/messages", json=message)).status == 503
    fake_rasa.mode = "answer"
    response = await client.post("/api/messages", json=message)
    assert response.status == 200
    assert (await response.json())["status"] == "processed"


async def test_poll_returns_only_newer_replies(client, session_factory):
    first = await (await client.post("/api/messages", json={"sender": "w", "text": "a"})).json()
    last_id = first["replies"][-1]["id"]
    await client.post("/api/messages", json={"sender": "w", "text": "b"})
    polled = await (
        await client.get("/api/messages", params={"sender": "w", "after": str(last_id)})
    ).json()
    assert [r["text"] for r in polled["replies"]] == ["jawaban untuk: b", "Ada lagi?"]
    with session_factory() as session:
        assert session.execute(select(func.count(OutboundMessage.id))).scalar_one() == 4


async def test_poll_validates_its_parameters(client):
    assert (await client.get("/api/messages", params={"sender": ""})).status == 400
    response = await client.get("/api/messages", params={"sender": "w", "after": "x"})
    assert response.status == 400


async def test_healthz_reports_each_component(client):
    response = await client.get("/healthz")
    body = await response.json()
    assert response.status == 503  # no action server in this test
    assert body["components"] == {"database": "up", "rasa": "up", "action_server": "down"}


async def test_web_chat_page_is_served(client):
    response = await client.get("/")
    assert response.status == 200
    page = await response.text()
    assert 'lang="id"' in page and 'aria-live="polite"' in page
    assert (await client.get("/static/chat.js")).status == 200
