"""The gateway's Rasa channel: authentication, validation, failures, atomic turns and replay.

Two tiers. The channel alone runs in an in-process Sanic server wired as Rasa wires it
(`rasa.core.channels.channel.register`) with a stand-in for Rasa's agent. The stack-marked
tests start the real Rasa process as the product does (`python -m bot.rasa_server run …`, the
trained model, a SQLite tracker store) with an action endpoint where nothing listens, so every
custom action fails, and read the tracker store's `events` table directly.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import sqlite3
import subprocess
import time
import urllib.request
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yaml
from aiohttp import web
from rasa.core.channels.channel import UserMessage, register
from sanic import Sanic

from bot import PROJECT_ROOT
from bot.channels.rasa_input import GatewayInput
from bot.launcher import Stack, rasa_environment
from bot.rasa_turns import ActionServerUnavailable, GatewayRequest, TurnFailed, gateway_request
from bot.settings import Settings
from tests.helpers.stack import free_port, latest_model_or_skip

TOKEN = "gateway-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
WEBHOOK = "/webhooks/gateway/webhook"
HEALTH = "/webhooks/gateway/"


# --- the channel alone ---------------------------------------------------------------------------


@dataclass
class AgentStandIn:
    """Stands in for Rasa's `Agent`: records the messages; answers, stays silent or fails."""

    ready: bool = True
    answer: list[str] = field(default_factory=lambda: ["Halo!", "Ada yang bisa dibantu?"])
    error: Exception | None = None
    received: list[tuple[UserMessage, GatewayRequest | None]] = field(default_factory=list)

    def is_ready(self) -> bool:
        return self.ready

    async def parse_message(self, text: str) -> dict[str, Any]:
        verdict = {"winner": "knowledge", "intent": "ask_process", "key": "bayar-cara"}
        return {"text": text, "intent": {"name": "ask_faq", "confidence": 0.9},
                "answer_selection": verdict}  # fmt: skip

    async def handle_message(self, message: UserMessage) -> None:
        self.received.append((message, gateway_request.get()))
        if self.error is not None:
            raise self.error
        for text in self.answer:
            await message.output_channel.send_text_message(message.sender_id, text)


@dataclass
class Channel:
    url: str
    agent: AgentStandIn

    async def post(self, body: Any, headers: dict[str, str] | None = None) -> tuple[int, Any]:
        async with aiohttp.ClientSession() as client:
            async with client.post(
                f"{self.url}{WEBHOOK}", json=body, headers=AUTH if headers is None else headers
            ) as response:
                return response.status, await response.json(content_type=None)

    async def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, Any]:
        async with aiohttp.ClientSession() as client:
            async with client.get(f"{self.url}{path}", headers=headers or {}) as response:
                return response.status, await response.json(content_type=None)


@pytest.fixture
async def channel(monkeypatch) -> AsyncIterator[Channel]:
    """The channel in a Sanic app on a free port, registered as Rasa registers channels."""
    # Sanic rewrites its HTTP class on start-up; test mode lets it do that more than once.
    monkeypatch.setattr(Sanic, "test_mode", True)
    app = Sanic(f"gateway_test_{uuid.uuid4().hex}")
    agent = AgentStandIn()
    app.ctx.agent = agent
    register([GatewayInput(TOKEN)], app, route="/webhooks/")
    port = free_port()
    server = await app.create_server(
        host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False
    )
    assert server is not None
    await server.startup()
    await server.before_start()
    await server.after_start()
    try:
        yield Channel(f"http://127.0.0.1:{port}", agent)
    finally:
        await server.before_stop()
        await server.close()
        await server.after_stop()


async def parse(channel: Channel, payload: Any, headers: dict[str, str] | None = None):
    async with aiohttp.ClientSession() as client:
        async with client.post(
            f"{channel.url}/webhooks/gateway/parse",
            json=payload,
            headers=AUTH if headers is None else headers,
        ) as response:
            return response.status, await response.json(content_type=None)


async def test_parse_says_how_a_text_is_understood_and_saves_nothing(channel):
    status, parsed = await parse(channel, {"text": "bayar paspor di mana"})
    assert status == 200
    assert parsed == {
        "intent": "ask_faq",
        "confidence": 0.9,
        "answer_selection": {"winner": "knowledge", "intent": "ask_process", "key": "bayar-cara"},
    }
    assert channel.agent.received == []


async def test_parse_needs_the_token_and_a_text(channel):
    assert (await parse(channel, {"text": "halo"}, headers={}))[0] == 401
    assert (await parse(channel, {"text": "  "}))[0] == 400
    assert (await parse(channel, ["halo"]))[0] == 400
    channel.agent.ready = False
    assert (await parse(channel, {"text": "halo"}))[0] == 503


def body(**overrides: Any) -> dict[str, Any]:
    return {
        "sender": "conv-1",
        "message": "halo",
        "metadata": {"channel": "webchat"},
        "message_id": "webchat:42",
    } | overrides


async def test_a_message_is_passed_to_rasa_with_its_id_and_answered_with_a_list(channel):
    status, answer = await channel.post(body(retry=True))
    assert status == 200
    assert answer == [
        {"recipient_id": "conv-1", "text": "Halo!"},
        {"recipient_id": "conv-1", "text": "Ada yang bisa dibantu?"},
    ]
    [(message, request)] = channel.agent.received
    assert (message.sender_id, message.text, message.message_id) == ("conv-1", "halo", "webchat:42")
    assert message.input_channel == "webchat"
    assert request == GatewayRequest(message_id="webchat:42", retry=True)


async def test_retry_defaults_to_false(channel):
    assert (await channel.post(body()))[0] == 200
    [(_message, request)] = channel.agent.received
    assert request == GatewayRequest(message_id="webchat:42", retry=False)


async def test_a_turn_without_bot_messages_is_an_empty_list_not_an_error(channel):
    channel.agent.answer = []
    assert await channel.post(body()) == (200, [])


@pytest.mark.parametrize(
    "message_id",
    [None, "", 42, "a" * 65, "with space", "slash/id", "üml", "id\n"],
)
async def test_a_missing_or_malformed_message_id_is_refused(channel, message_id):
    request = body(message_id=message_id) if message_id is not None else body()
    if message_id is None:
        del request["message_id"]
    status, answer = await channel.post(request)
    assert status == 400 and "message_id" in answer["error"]
    assert channel.agent.received == []


async def test_the_longest_message_id_with_every_allowed_character_is_accepted(channel):
    message_id = ("Az09_.:-" * 8)[:64]
    assert (await channel.post(body(message_id=message_id)))[0] == 200
    assert channel.agent.received[0][0].message_id == message_id


@pytest.mark.parametrize("retry", ["true", 1, None])
async def test_retry_must_be_a_boolean(channel, retry):
    status, answer = await channel.post(body(retry=retry))
    assert (status, answer) == (400, {"error": "retry must be true or false"})
    assert channel.agent.received == []


@pytest.mark.parametrize(
    "request_body", [[], "halo", body(sender=""), body(message=None), body(sender=7)]
)
async def test_a_malformed_body_is_refused(channel, request_body):
    assert (await channel.post(request_body))[0] == 400


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}]
)
async def test_a_message_without_the_token_is_refused(channel, headers):
    assert await channel.post(body(), headers=headers) == (401, {"error": "unauthorised"})
    assert channel.agent.received == []


async def test_an_unreachable_action_server_is_a_503_for_the_gateway_to_wait_out(channel):
    channel.agent.error = ActionServerUnavailable("action server unreachable")
    assert await channel.post(body()) == (503, {"error": "action server unavailable"})


async def test_a_crashing_custom_action_is_a_500_that_counts_against_the_budget(channel):
    channel.agent.error = TurnFailed("custom action 'action_faq_answer' failed")
    assert await channel.post(body()) == (500, {"error": "processing failed"})


async def test_any_other_failure_is_a_500(channel):
    channel.agent.error = RuntimeError("tracker store down")
    assert await channel.post(body()) == (500, {"error": "processing failed"})


async def test_without_a_model_the_message_is_refused_not_dropped(channel):
    channel.agent.ready = False  # Rasa's Agent would ignore the message and answer nothing
    assert await channel.post(body()) == (503, {"error": "model not ready"})
    assert channel.agent.received == []


async def test_health_needs_the_token_in_the_header(channel):
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        assert await channel.get(HEALTH, headers) == (401, {"error": "unauthorised"})
    assert (await channel.get(f"{HEALTH}?token={TOKEN}"))[0] == 401
    assert await channel.get(HEALTH, AUTH) == (200, {"status": "ok", "model_ready": True})
    channel.agent.ready = False
    assert await channel.get(HEALTH, AUTH) == (200, {"status": "ok", "model_ready": False})


# --- the real Rasa process ------------------------------------------------------------------------

QUOTA_QUESTION = "kapan kuota paspor dibuka?"  # ask_quota → action_quota_info (custom)


@dataclass
class RasaProcess:
    url: str
    token: str
    tracker_db: Path
    action_port: int
    log: Path

    async def post(self, **fields: Any) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {self.token}"}
        async with aiohttp.ClientSession() as client:
            async with client.post(f"{self.url}{WEBHOOK}", json=fields, headers=headers) as resp:
                return resp.status, await resp.json(content_type=None)

    def events(self, sender: str) -> list[tuple[str, dict[str, Any]]]:
        """Every stored event of the conversation: (type_name, data), in order."""
        with sqlite3.connect(self.tracker_db) as connection:
            rows = connection.execute(
                "SELECT type_name, data FROM events WHERE sender_id = ? ORDER BY id", (sender,)
            ).fetchall()
        return [(type_name, json.loads(data)) for type_name, data in rows]

    def user_message_ids(self, sender: str) -> list[str]:
        return [data["message_id"] for kind, data in self.events(sender) if kind == "user"]

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-6000:]


def wait_until_ready(process: subprocess.Popen, rasa: RasaProcess, timeout: float) -> bool:
    """Poll the channel's health route until the model is loaded (or the process died)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        headers = {"Authorization": f"Bearer {rasa.token}"}
        request = urllib.request.Request(f"{rasa.url}{HEALTH}", headers=headers)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=3) as response:  # noqa: S310 - local
                if json.loads(response.read()).get("model_ready") is True:
                    return True
        except OSError:
            pass
        time.sleep(1.0)
    return False


@pytest.fixture(scope="module")
def rasa(tmp_path_factory) -> Iterator[RasaProcess]:
    """Rasa as the product starts it, once for this module; its action server is down."""
    model = latest_model_or_skip()
    workdir = tmp_path_factory.mktemp("rasa")
    action_port = free_port()  # nothing listens here unless a test starts a fake action server
    settings = Settings(
        env="test",
        database_url=f"sqlite:///{workdir / 'bot.db'}",
        rasa_url=f"http://127.0.0.1:{free_port()}",
        rasa_token=secrets.token_urlsafe(24),
        action_server_url=f"http://127.0.0.1:{action_port}",
    )
    env = rasa_environment(settings)
    env.update(
        {
            "TRACKER_STORE_URL": f"sqlite:///{workdir / 'tracker.db'}",
            "ACTION_ENDPOINT_URL": f"{settings.action_server_url}/webhook",
            "ACTION_SERVER_TOKEN": secrets.token_urlsafe(24),
            "LOCK_STORE_TYPE": "in_memory",
        }
    )
    command = Stack(settings=settings, model_path=model).commands()["rasa"]
    running = RasaProcess(
        url=settings.rasa_url,
        token=settings.rasa_token,
        tracker_db=workdir / "tracker.db",
        action_port=action_port,
        log=workdir / "rasa.log",
    )
    with running.log.open("ab") as log:
        process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        if not wait_until_ready(process, running, timeout=300):
            pytest.fail(f"Rasa did not load its model\n{running.log_tail()}")
        yield running
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def greeting() -> str:
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    [response] = [v for v in domain["responses"]["utter_greet"] if not v.get("condition")]
    return str(response["text"])  # the Indonesian default: "halo" is Indonesian


@pytest.mark.stack
async def test_health_route_of_the_real_process(rasa):
    async with aiohttp.ClientSession() as client:
        async with client.get(f"{rasa.url}{HEALTH}") as response:
            assert response.status == 401
        async with client.get(f"{rasa.url}{HEALTH}", params={"token": rasa.token}) as response:
            assert response.status == 401
        headers = {"Authorization": f"Bearer {rasa.token}"}
        async with client.get(f"{rasa.url}{HEALTH}", headers=headers) as response:
            assert response.status == 200
            assert await response.json() == {"status": "ok", "model_ready": True}


@pytest.mark.stack
async def test_a_turn_whose_custom_action_fails_is_not_saved(rasa):
    sender = f"quota-{uuid.uuid4().hex}"
    for attempt in range(3):
        status, answer = await rasa.post(
            sender=sender, message=QUOTA_QUESTION, message_id="q-1", retry=attempt > 0
        )
        assert (status, answer) == (503, {"error": "action server unavailable"}), rasa.log_tail()
        assert rasa.user_message_ids(sender) == []
    assert rasa.events(sender) == []  # the whole turn, session start included, was dropped


@pytest.mark.stack
async def test_a_failed_turn_leaves_the_earlier_conversation_as_it_was(rasa):
    sender = f"greet-then-quota-{uuid.uuid4().hex}"
    assert (await rasa.post(sender=sender, message="halo", message_id="g-1"))[0] == 200
    before = rasa.events(sender)
    status, _answer = await rasa.post(sender=sender, message=QUOTA_QUESTION, message_id="q-1")
    assert status == 503
    assert rasa.events(sender) == before


@pytest.mark.stack
async def test_a_retry_of_a_processed_message_is_replayed_not_processed_again(rasa):
    sender = f"greet-{uuid.uuid4().hex}"
    status, first = await rasa.post(sender=sender, message="halo", message_id="g-1")
    assert status == 200, rasa.log_tail()
    assert [message["text"] for message in first] == [greeting()]
    stored = rasa.events(sender)

    status, replayed = await rasa.post(sender=sender, message="halo", message_id="g-1", retry=True)
    assert (status, replayed) == (200, first)
    assert rasa.events(sender) == stored  # nothing was processed or saved
    assert rasa.user_message_ids(sender) == ["g-1"]


@pytest.mark.stack
async def test_a_retry_of_an_unseen_message_is_processed(rasa):
    sender = f"retry-first-{uuid.uuid4().hex}"
    status, answer = await rasa.post(sender=sender, message="halo", message_id="g-1", retry=True)
    assert status == 200 and [message["text"] for message in answer] == [greeting()]
    assert rasa.user_message_ids(sender) == ["g-1"]


@pytest.mark.stack
async def test_without_retry_a_known_message_id_is_processed_again(rasa):
    """Not resending a processed message is the gateway's job; `retry: false` always runs."""
    sender = f"resend-{uuid.uuid4().hex}"
    for _ in range(2):
        assert (await rasa.post(sender=sender, message="halo", message_id="g-1"))[0] == 200
    assert rasa.user_message_ids(sender) == ["g-1", "g-1"]


@pytest.mark.stack
async def test_a_request_without_message_id_is_refused_by_the_real_process(rasa):
    sender = f"no-id-{uuid.uuid4().hex}"
    status, _answer = await rasa.post(sender=sender, message="halo")
    assert status == 400
    assert rasa.events(sender) == []


@pytest.mark.stack
async def test_when_the_action_server_is_back_the_retried_message_is_stored_once(rasa):
    sender = f"comeback-{uuid.uuid4().hex}"
    status, _answer = await rasa.post(sender=sender, message=QUOTA_QUESTION, message_id="q-7")
    assert status == 503

    called: list[str] = []

    async def webhook(request: web.Request) -> web.Response:
        action = (await request.json())["next_action"]
        called.append(action)
        if action == "action_detect_language":  # the language slot's mapping, every message
            return web.json_response({"events": [], "responses": []})
        return web.json_response({"events": [], "responses": [{"text": "Kuota dibuka Senin."}]})

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", rasa.action_port).start()
    try:
        fields = {"sender": sender, "message": QUOTA_QUESTION, "message_id": "q-7", "retry": True}
        status, answer = await rasa.post(**fields)
        assert status == 200, rasa.log_tail()
        assert answer == [{"recipient_id": sender, "text": "Kuota dibuka Senin."}]
        assert called == ["action_detect_language", "action_quota_info"]
        assert await rasa.post(**fields) == (200, answer)  # a further retry is replayed
        assert called == ["action_detect_language", "action_quota_info"]
    finally:
        await runner.cleanup()
    assert rasa.user_message_ids(sender) == ["q-7"]
