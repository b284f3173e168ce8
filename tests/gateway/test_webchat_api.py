"""The web chat API through the real gateway app, with a fake Rasa behind it."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from bot.channels.webchat.channel import WebChatChannel, WebChatSettings
from bot.gateway.app import RUNTIME, create_app
from bot.inbox.inbox import InboxPolicy
from bot.inbox.models import Contact, InboundMessage, OutboundMessage
from bot.settings import Settings
from tests.helpers.fake_rasa import FakeRasa
from tests.helpers.long_answers import official_answer, visible
from tests.helpers.webchat import ChatClient

TOKEN = "test-token-123"
FAST = InboxPolicy(lease_seconds=5, backoff_seconds=(0.05,), probe_seconds=0.05, poll_seconds=0.02)


@pytest.fixture
async def fake_rasa(aiohttp_server):
    fake = FakeRasa(token=TOKEN)
    server = await aiohttp_server(fake.app())
    fake.url = str(server.make_url("")).rstrip("/")
    return fake


def gateway_settings(db_url: str, rasa_url: str) -> Settings:
    return Settings(
        env="test",
        database_url=db_url,
        rasa_url=rasa_url,
        rasa_token=TOKEN,
        action_server_url="http://127.0.0.1:9",  # nothing listens there
        rasa_timeout_seconds=2,
    )


@pytest.fixture
async def client(session_factory, fake_rasa, db_url, aiohttp_client):
    app = create_app(
        gateway_settings(db_url, fake_rasa.url),
        [WebChatChannel(WebChatSettings(messages_per_minute=600, message_burst=50))],
        session_factory=session_factory,
        inbox_policy=FAST,
    )
    return await aiohttp_client(app)


async def test_message_gets_the_assistants_replies(client, fake_rasa):
    chat = await ChatClient.start(client)
    body = await chat.say("kapan kuota dibuka?", message_id="m1")
    assert body["status"] == "processed"
    assert [r["text"] for r in body["replies"]] == [
        "jawaban untuk: kapan kuota dibuka?",
        "Ada lagi?",
    ]
    assert body["replies"][1]["buttons"] == [{"title": "Kuota", "payload": "/ask_quota"}]
    assert {r["in_reply_to"] for r in body["replies"]} == {"m1"}


async def test_a_10000_character_answer_arrives_whole_in_parts(client, fake_rasa):
    answer = official_answer(10_000)
    fake_rasa.answer = lambda sender, _message: [{"recipient_id": sender, "text": answer}]
    chat = await ChatClient.start(client)
    body = await chat.say("syarat izin tinggal terbatas?")
    parts = [reply["text"] for reply in body["replies"]]
    assert len(parts) >= 3
    assert all(len(part) <= WebChatChannel.limits.max_text_chars for part in parts)
    assert visible("".join(parts)) == visible(answer)
    assert all(part.endswith((".", ";")) for part in parts)
    assert [r["text"] for r in (await chat.fetch())["replies"]] == parts  # and when polled


async def test_rasa_sees_an_opaque_conversation_id_not_the_token(client, fake_rasa, session):
    chat = await ChatClient.start(client)
    await chat.say("halo")
    await chat.say("lagi")
    senders = {item["sender"] for item in fake_rasa.received}
    assert len(senders) == 1
    (conversation_id,) = senders
    contact = session.execute(select(Contact)).scalar_one()
    assert contact.conversation_id == conversation_id
    assert chat.token not in (contact.external_id, conversation_id)  # only its hash is kept


# ----- defect 1: another citizen's answer was handed out ------------------------------------


async def test_same_message_id_from_two_citizens_is_two_messages(client, fake_rasa):
    alice, bob = await ChatClient.start(client), await ChatClient.start(client)
    first = await alice.say("paspor saya hilang", message_id="1")
    second = await bob.say("halo", message_id="1")
    assert second["status"] == "processed"
    assert [r["text"] for r in second["replies"]][0] == "jawaban untuk: halo"
    assert {r["id"] for r in first["replies"]}.isdisjoint(r["id"] for r in second["replies"])
    assert len(fake_rasa.processed()) == 2


async def test_duplicate_delivery_is_processed_once(client, fake_rasa):
    chat = await ChatClient.start(client)
    first = await chat.say("halo", message_id="dup-1")
    second = await chat.say("halo", message_id="dup-1")
    assert fake_rasa.processed() == ["halo"]
    assert second["status"] == "duplicate"
    assert second["replies"] == first["replies"]


# ----- defect 2: the client-chosen sender id was the only credential -------------------------


async def test_a_sender_id_grants_nothing(client, fake_rasa):
    victim = await ChatClient.start(client)
    await victim.say("paspor saya hilang")
    # the old API: anyone could read a citizen's replies, or write into the conversation
    response = await client.get("/api/messages", params={"sender": "web-victim", "after": "0"})
    assert response.status == 401
    assert "replies" not in await response.json()
    response = await client.post("/api/messages", json={"sender": "web-victim", "text": "x"})
    assert response.status == 401
    status, body = await victim.post({"sender": "web-victim", "text": "halo"})
    assert status == 400 and "sender" in body["error"]


async def test_a_made_up_or_malformed_token_is_refused(client, fake_rasa):
    for token in ("A" * 43, "short", "A" * 44, "A" * 42 + "\u00e9", "A" * 42 + "!"):
        headers = {"Authorization": f"Bearer {token}"}
        response = await client.post("/api/messages", json={"text": "halo"}, headers=headers)
        assert response.status == 401, token
        assert (await client.get("/api/messages", headers=headers)).status == 401
    assert fake_rasa.received == []


async def test_one_citizens_token_reads_only_their_own_replies(client, fake_rasa):
    alice, bob = await ChatClient.start(client), await ChatClient.start(client)
    await alice.say("rahasia alice")
    await bob.say("halo")
    texts = [r["text"] for r in (await bob.fetch())["replies"]]
    assert "jawaban untuk: rahasia alice" not in texts
    assert "jawaban untuk: halo" in texts


async def test_the_page_gets_an_httponly_strict_cookie(client):
    behind_tls = await client.post("/api/conversations", headers={"X-Forwarded-Proto": "https"})
    assert behind_tls.cookies["chat_token"]["secure"]
    client.session.cookie_jar.clear()
    response = await client.post("/api/conversations")
    cookie = response.cookies["chat_token"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    assert cookie["path"] == "/api/"
    assert not cookie["secure"]  # plain HTTP here; behind HTTPS it is Secure
    # the cookie alone identifies the conversation (the page never sees the token)
    reply = await client.post("/api/messages", json={"text": "halo"})
    assert reply.status == 200


async def test_flooding_one_conversation_gets_429_with_retry_after(
    session_factory, fake_rasa, db_url, aiohttp_client
):
    app = create_app(
        gateway_settings(db_url, fake_rasa.url),
        [WebChatChannel(WebChatSettings(messages_per_minute=6, message_burst=2))],
        session_factory=session_factory,
        inbox_policy=FAST,
    )
    chat = await ChatClient.start(await aiohttp_client(app))
    statuses = [(await chat.post({"text": f"pesan {i}"}))[0] for i in range(4)]
    assert statuses == [200, 200, 429, 429]
    response = await chat.client.post("/api/messages", json={"text": "x"}, headers=chat.headers)
    assert int(response.headers["Retry-After"]) >= 1


# ----- defects 3 and 5: typed text is text; payloads must have been offered --------------------


@pytest.mark.parametrize(
    "typed", ["/restart", "/back", "/session_start", '/ask_quota{"office":"pontianak"}']
)
async def test_typed_commands_are_plain_text(client, fake_rasa, typed):
    chat = await ChatClient.start(client)
    fake_rasa.mode = "silent"  # a turn with no bot message is a turn, not a failure
    status, body = await chat.post({"text": typed})
    assert status == 200 and body["status"] == "processed" and body["replies"] == []
    assert fake_rasa.received[-1]["message"] == typed.lstrip("/")
    await asyncio.sleep(0.2)  # nothing is retried behind the citizen's back
    assert len(fake_rasa.received) == 1


async def test_a_payload_nobody_offered_is_refused(client, fake_rasa):
    chat = await ChatClient.start(client)
    for payload in ('/inform{"office":"pontianak"}', "/restart", "/ask_quota", "greet"):
        status, body = await chat.post({"payload": payload})
        assert status == 400, payload
    assert fake_rasa.received == []


async def test_an_offered_payload_is_accepted_and_reserved_ones_never(client, fake_rasa):
    def offers(sender: str, message: str) -> list[dict]:
        buttons = [
            {"title": "Kuota", "payload": "/ask_quota"},
            {"title": "x", "payload": "/restart"},
        ]
        return [{"recipient_id": sender, "text": "?", "buttons": buttons}]

    fake_rasa.answer = offers
    chat = await ChatClient.start(client)
    await chat.say("halo")  # the answer offers /ask_quota, and (by mistake) /restart
    status, body = await chat.post({"payload": "/ask_quota"})
    assert status == 200 and body["status"] == "processed"
    assert fake_rasa.received[-1]["message"] == "/ask_quota"
    status, body = await chat.post({"payload": "/restart"})
    assert status == 400 and "reserved" in body["error"]
    assert fake_rasa.received[-1]["message"] == "/ask_quota"


async def test_offered_payload_with_an_unusable_entity_value_is_refused(client, fake_rasa):
    def offers(sender: str, message: str) -> list[dict]:
        payload = '/ask_office_hours{"office": "atlantis"}'
        return [
            {"recipient_id": sender, "text": "?", "buttons": [{"title": "x", "payload": payload}]}
        ]

    fake_rasa.answer = offers
    chat = await ChatClient.start(client)
    await chat.say("jam buka")
    status, body = await chat.post({"payload": '/ask_office_hours{"office": "atlantis"}'})
    assert status == 400 and "office" in body["error"]


# ----- defect 4 (gateway side): never lost, never doubled, in order ---------------------------


async def test_rasa_down_keeps_the_message_and_answers_it_when_back(client, fake_rasa):
    chat = await ChatClient.start(client)
    fake_rasa.mode = "unavailable"
    status, body = await chat.post({"text": "jam buka?", "message_id": "m-down"})
    assert status == 503 and body["status"] == "retrying"
    fake_rasa.mode = "answer"
    replies = await chat.wait_for_answers(2)
    assert [r["text"] for r in replies][0] == "jawaban untuk: jam buka?"
    assert fake_rasa.processed() == ["jam buka?"]


async def test_later_messages_wait_behind_an_earlier_failed_one(client, fake_rasa):
    chat = await ChatClient.start(client)
    fake_rasa.mode = "unavailable"
    assert (await chat.post({"text": "satu"}))[0] == 503
    statuses = [(await chat.post({"text": t}))[0] for t in ("dua", "tiga")]
    assert statuses == [202, 202]  # queued, not sent past the first
    assert [item["message"] for item in fake_rasa.received] == ["satu"] * len(fake_rasa.received)
    fake_rasa.mode = "answer"
    replies = await chat.wait_for_answers(6)
    assert fake_rasa.processed() == ["satu", "dua", "tiga"]
    assert [r["text"] for r in replies][::2] == [
        f"jawaban untuk: {t}" for t in ("satu", "dua", "tiga")
    ]


async def test_an_outage_does_not_spend_the_retry_budget(client, fake_rasa):
    chat = await ChatClient.start(client)
    fake_rasa.mode = "unavailable"
    await chat.post({"text": "halo"})
    for _ in range(200):  # probes every 0.05 s, well past the failure budget
        if len(fake_rasa.received) > FAST.failure_budget + 2:
            break
        await asyncio.sleep(0.05)
    assert len(fake_rasa.received) > FAST.failure_budget + 2
    fake_rasa.mode = "answer"
    replies = await chat.wait_for_answers(2)
    assert replies[0]["text"] == "jawaban untuk: halo"


async def test_after_the_retry_budget_the_citizen_is_told_and_a_person_gets_it(
    client, fake_rasa, session_factory
):
    chat = await ChatClient.start(client)
    fake_rasa.mode = "error"
    status, _ = await chat.post({"text": "halo"})
    assert status == 503
    replies = await chat.wait_for_answers(1)
    assert "petugas" in replies[0]["text"]
    assert len(fake_rasa.received) == FAST.failure_budget
    with session_factory() as session:
        row = session.execute(select(InboundMessage)).scalar_one()
        assert (row.status, row.failures) == ("given_up", FAST.failure_budget)


async def test_a_retry_after_a_timeout_gets_rasas_first_answer_not_a_second_turn(client, fake_rasa):
    chat = await ChatClient.start(client)
    fake_rasa.mode, fake_rasa.delay = "slow", 3.0  # longer than the gateway's 2 s timeout
    status, _ = await chat.post({"text": "halo"})
    assert status == 503
    fake_rasa.mode = "answer"
    replies = await chat.wait_for_answers(2)
    assert replies[0]["text"] == "jawaban untuk: halo"
    assert fake_rasa.processed() == ["halo"]  # processed once; the retry was answered from it
    assert fake_rasa.received[-1]["retry"] is True


async def test_a_crashed_workers_claim_is_taken_over_after_its_lease(
    client, fake_rasa, session_factory
):
    chat = await ChatClient.start(client)
    await chat.say("pertama")
    with session_factory.begin() as session:  # a message claimed by a gateway that then died
        contact = session.execute(select(Contact)).scalar_one()
        from datetime import timedelta

        from bot.db.base import utcnow

        session.add(
            InboundMessage(
                contact_id=contact.id, channel="webchat", external_message_id="lost",
                kind="text", text="yatim", status="processing", attempts=1, failures=0,
                received_at=utcnow(), claimed_at=utcnow() - timedelta(seconds=10),
                lease_until=utcnow() - timedelta(seconds=1),
            )
        )  # fmt: skip
    replies = await chat.wait_for_answers(4)
    assert replies[2]["text"] == "jawaban untuk: yatim"
    assert fake_rasa.received[-1]["retry"] is True  # it may have reached Rasa before the crash


# ----- defect 7: hostile input gets a documented 4xx ----------------------------------------


@pytest.mark.parametrize(
    ("raw", "headers", "status"),
    [
        (b"[" * 1000 + b"]" * 1000, {}, 400),
        (b'{"text": ' + b"[" * 100 + b"]" * 100 + b"}", {}, 400),
        (b'{"text": "halo"}', {"Content-Type": "application/json; charset=bogus"}, 415),
        (b'{"text": "halo"}', {"Content-Type": "text/plain"}, 415),
        (b"x\x9cgarbage", {"Content-Encoding": "deflate"}, 415),
        (b'{"text": "halo"}', {"Content-Encoding": "gzip"}, 415),
        (b'{"text": "\xff\xfe"}', {}, 400),
        (b"{not json", {}, 400),
        (b'{"text": "' + b"a" * 70_000 + b'"}', {}, 413),
        (b'["not", "an", "object"]', {}, 400),
    ],
)
async def test_malformed_requests_get_a_clear_4xx(client, fake_rasa, raw, headers, status):
    chat = await ChatClient.start(client)
    response = await client.post(
        "/api/messages",
        data=raw,
        headers={"Content-Type": "application/json", **chat.headers, **headers},
    )
    assert response.status == status
    assert "error" in await response.json()
    assert fake_rasa.received == []


@pytest.mark.parametrize("text", ["\ud800 halo", "ha\u0000lo", "\u0000"])
async def test_surrogates_and_nul_never_reach_the_database_raw(
    client, fake_rasa, session_factory, text
):
    chat = await ChatClient.start(client)
    status, body = await chat.post({"text": text})
    if text == "\u0000":
        assert status == 400
        return
    assert status == 200, body
    with session_factory() as session:
        stored = session.execute(select(InboundMessage.text)).scalar_one()
    for seen in (stored, fake_rasa.received[-1]["message"]):
        assert "\u0000" not in seen and "\ud800" not in seen


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({}, "exactly one"),
        ({"text": "halo", "payload": "/greet"}, "exactly one"),
        ({"text": "   "}, "something"),
        ({"text": "x" * 5000}, "longer"),
        ({"text": 5}, "string"),
        ({"text": "halo", "message_id": "bad id!"}, "message_id"),
        ({"text": "halo", "message_id": "ok\n"}, "message_id"),
        ({"text": "halo", "language": "fr"}, "language"),
        ({"text": "halo", "extra": 1}, "unknown"),
    ],
)
async def test_bad_messages_get_a_clear_400(client, fake_rasa, body, reason):
    chat = await ChatClient.start(client)
    status, data = await chat.post(body)
    assert status == 400
    assert reason in data["error"]
    assert fake_rasa.received == []


async def test_poll_returns_only_newer_replies_and_what_is_pending(client, session_factory):
    chat = await ChatClient.start(client)
    first = await chat.say("a")
    await chat.say("b")
    polled = await chat.fetch(first["replies"][-1]["id"])
    assert [r["text"] for r in polled["replies"]] == ["jawaban untuk: b", "Ada lagi?"]
    assert polled["pending"] == 0
    with session_factory() as session:
        assert session.execute(select(func.count(OutboundMessage.id))).scalar_one() == 4


async def test_poll_validates_its_parameters(client):
    chat = await ChatClient.start(client)
    for after in ("x", "-1", "1" * 30, "1\n"):
        response = await client.get("/api/messages", params={"after": after}, headers=chat.headers)
        assert response.status == 400, after


async def test_healthz_reports_each_component(client):
    response = await client.get("/healthz")
    body = await response.json()
    assert response.status == 503  # no action server in this test
    assert body["components"] == {"database": "up", "rasa": "up", "action_server": "down"}


async def test_web_chat_page_is_served_with_security_headers(client):
    response = await client.get("/")
    assert response.status == 200
    page = await response.text()
    assert 'lang="id"' in page and 'aria-live="polite"' in page
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert (await client.get("/static/chat.js")).status == 200


async def test_stopping_gives_back_claims_in_flight(
    session_factory, fake_rasa, db_url, aiohttp_client
):
    app = create_app(
        gateway_settings(db_url, fake_rasa.url), [WebChatChannel()],
        session_factory=session_factory, inbox_policy=FAST,
    )  # fmt: skip
    client = await aiohttp_client(app)
    chat = await ChatClient.start(client)
    fake_rasa.mode, fake_rasa.delay = "slow", 30
    request = asyncio.create_task(chat.post({"text": "halo"}))
    await asyncio.sleep(0.3)
    await app[RUNTIME].stop()
    request.cancel()
    with session_factory() as session:
        row = session.execute(select(InboundMessage)).scalar_one()
        assert row.status == "retrying" and row.lease_until is None


async def test_a_database_outage_is_a_503_not_a_500(aiohttp_client, fake_rasa, tmp_path):
    from bot.db.engine import make_engine, make_session_factory

    broken = make_session_factory(make_engine(f"sqlite:///{tmp_path}/gone/x.db"))
    (tmp_path / "gone").rmdir()
    (tmp_path / "gone").write_text("not a directory")  # the database cannot be opened
    app = create_app(
        gateway_settings("sqlite://", fake_rasa.url), [WebChatChannel()],
        session_factory=broken, inbox_policy=FAST,
    )  # fmt: skip
    client = await aiohttp_client(app)
    response = await client.post("/api/conversations")
    assert response.status == 503 and response.headers["Retry-After"] == "5"
    headers = {"Authorization": "Bearer " + "A" * 43}
    for call in (
        client.post("/api/messages", json={"text": "halo"}, headers=headers),
        client.get("/api/messages", headers=headers),
    ):
        response = await call
        assert response.status == 503
        assert "again" in (await response.json())["error"]


async def test_a_body_that_stops_arriving_gets_408_and_holds_nothing(client, monkeypatch):
    monkeypatch.setattr("bot.channels.http_body.BODY_TIMEOUT_SECONDS", 0.3)
    chat = await ChatClient.start(client)
    reader, writer = await asyncio.open_connection(client.host, client.port)
    writer.write(
        b"POST /api/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + f"Authorization: Bearer {chat.token}\r\nContent-Length: 100\r\n\r\n".encode()
        + b'{"text": "ha'
    )
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
    assert head.startswith(b"HTTP/1.1 408")
    writer.close()
