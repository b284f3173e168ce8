"""Seeded fuzzing of every public route of the real gateway (fake Rasa and Bot API behind it).

20,000 inputs by default across the three tests (web chat API, Telegram webhook, any method on
any path, hand-written HTTP), on SQLite and PostgreSQL. Invariants: no 5xx but the documented
503s, every 4xx documented (with a JSON "error" on /api/ and /telegram/), the app keeps serving,
no unhandled error is logged, and the inbox ends consistent. `FUZZ_SEED` and `FUZZ_COUNT`
(all three tests together) override the defaults; a failure prints both and the inputs that
failed, grouped. Run with `-s` to see what was sent and answered, per route and family.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import re
import time
import traceback
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from bot.channels.delivery import SenderPolicy
from bot.channels.telegram.channel import TelegramChannel, TelegramTimings
from bot.channels.telegram.settings import TelegramSettings
from bot.channels.telegram.webhook import SECRET_HEADER, WEBHOOK_PATH
from bot.channels.webchat.channel import WebChatChannel, WebChatSettings
from bot.gateway.app import create_app
from bot.inbox.inbox import InboxPolicy
from bot.inbox.models import UNFINISHED_INBOUND, Contact, InboundMessage, OutboundMessage
from bot.settings import Settings
from tests.helpers import fuzz
from tests.helpers.fake_rasa import FakeRasa
from tests.helpers.fake_telegram import FakeTelegram
from tests.helpers.fuzz import FuzzRequest, RawAnswer

pytestmark = pytest.mark.timeout(900)

SEED = int(os.environ.get("FUZZ_SEED", "20260611"))
TOTAL = int(os.environ.get("FUZZ_COUNT", "20000"))
SHARES = {"webchat": 0.5, "telegram": 0.28, "routes": 0.22}
RASA_TOKEN = "rasa-token-fuzz"
BOT_TOKEN = "123456789:AAEhBOweik9ai2o4M7bFuzzTokenForFakeServer"
SECRET = "webhook-secret-fuzz-0123456789"
DOCUMENTED_4XX = {400, 401, 404, 405, 413, 415, 429}
INBOX = InboxPolicy(
    lease_seconds=5, failure_budget=3, backoff_seconds=(0.05,), probe_seconds=0.05,
    poll_seconds=0.05,
)  # fmt: skip
CHATS = (1111111, 1111112, 1111113, 2222222, -100222333, -100444555)  # private, then groups


@dataclass
class Gateway:
    """The app under test, its fakes, and the conversations the fuzzing uses."""

    client: TestClient
    telegram: TelegramChannel
    rasa: FakeRasa
    factory: sessionmaker
    tokens: list[str] = field(default_factory=list)
    spare_token: str = ""  # never fuzzed: the known-good request afterwards uses it
    closing: aiohttp.ClientSession | None = None  # one connection per request (large bodies)


@pytest.fixture
async def fake_rasa(aiohttp_server) -> FakeRasa:
    fake = FakeRasa(token=RASA_TOKEN)
    fake.url = str((await aiohttp_server(fake.app())).make_url("")).rstrip("/")
    return fake


@pytest.fixture
async def fake_telegram(aiohttp_server) -> FakeTelegram:
    fake = FakeTelegram(token=BOT_TOKEN)
    fake.url = str((await aiohttp_server(fake.app())).make_url("")).rstrip("/")
    return fake


@pytest.fixture
async def start(aiohttp_client, db_url, session_factory, fake_rasa, fake_telegram, caplog):
    """Build the gateway with both channels; `wait_ready=False` returns before getMe answers."""
    caplog.set_level(logging.WARNING)
    closing = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(force_close=True), cookie_jar=aiohttp.DummyCookieJar()
    )

    async def go(*, wait_ready: bool = True) -> Gateway:
        settings = Settings(
            env="test", database_url=db_url, rasa_url=fake_rasa.url, rasa_token=RASA_TOKEN,
            action_server_url="http://127.0.0.1:9", rasa_timeout_seconds=2,
        )  # fmt: skip
        telegram = TelegramChannel(
            TelegramSettings(
                bot_token=BOT_TOKEN, mode="webhook", webhook_secret=SECRET,
                api_url=fake_telegram.base_url, file_url=f"{fake_telegram.url}/file/bot",
            ),
            TelegramTimings(poll_timeout_seconds=1, retry_seconds=0.3),
        )  # fmt: skip
        webchat = WebChatChannel(
            WebChatSettings(messages_per_minute=240, message_burst=8,
                            conversations_per_minute=120, conversation_burst=10)
        )  # fmt: skip
        app = create_app(
            settings, [webchat, telegram], session_factory=session_factory, inbox_policy=INBOX,
            sender_policy=SenderPolicy(idle_poll_seconds=0.5),
        )  # fmt: skip
        client = await aiohttp_client(app, cookie_jar=aiohttp.DummyCookieJar())
        gateway = Gateway(client, telegram, fake_rasa, session_factory)
        gateway.closing = closing
        for _ in range(7):
            response = await client.post("/api/conversations")
            assert response.status == 201
            gateway.tokens.append((await response.json())["token"])
        gateway.spare_token = gateway.tokens.pop()
        if wait_ready:
            await asyncio.wait_for(telegram.ready.wait(), 10)
        return gateway

    yield go
    await closing.close()


# ----- sending and judging ------------------------------------------------------------------


@dataclass
class Context:
    """What was true when a request was sent (which 503s are documented then)."""

    rasa_mode: str
    telegram_ready: bool


class Run:
    """One fuzz run: its generator, what was sent, and what went wrong."""

    def __init__(self, name: str, share: float) -> None:
        self.name, self.seed = name, f"{SEED}:{name}"
        self.rng = random.Random(self.seed)
        self.count = max(1, round(TOTAL * share))
        self.stats: Counter[tuple[str, str, int | None]] = Counter()
        self.failures: dict[tuple[str, str, str, int | None], list[str]] = {}
        self.seconds: Counter[str] = Counter()
        self.recorded = self.rasa_calls = 0
        self.started = time.monotonic()
        print(f"fuzz {name}: FUZZ_SEED={SEED} ({self.count} inputs; generator seed {self.seed!r})")

    async def exchange(self, gateway: Gateway, request: FuzzRequest, context: Context) -> None:
        began = time.monotonic()
        try:
            answer = await send(gateway, request)
        except Exception as exc:  # noqa: BLE001 - reported with the input
            self.fail(request, None, f"the request failed on the client: {exc!r}")
            return
        self.stats[(route_of(request), request.family, answer.status)] += 1
        self.seconds[request.family] += time.monotonic() - began
        problem = judge(request, answer, context)
        if problem:
            self.fail(request, answer, problem)

    def fail(self, request: FuzzRequest, answer: RawAnswer | None, problem: str) -> None:
        status = None if answer is None else answer.status
        shown = "" if answer is None else f"\n    -> {status} {answer.body[:300]!r}"
        key = (problem, route_of(request), request.family, status)
        self.failures.setdefault(key, []).append(f"    {request.describe()}{shown}")

    def report(self, caplog: pytest.LogCaptureFixture, after: list[str]) -> None:
        elapsed = time.monotonic() - self.started
        print(f"fuzz {self.name}: {sum(self.stats.values())} inputs in {elapsed:.1f} s "
              f"({sum(self.seconds.values()):.1f} s answering them); {self.recorded} recorded "
              f"by the inbox, {self.rasa_calls} calls to Rasa")  # fmt: skip
        for (route, family, status), n in sorted(self.stats.items(), key=str):
            print(f"  {route:<28} {family:<22} {status!s:>4} x{n}")
        counts: Counter[str] = Counter()
        for (_, family, _), n in self.stats.items():
            counts[family] += n
        slowest = ", ".join(
            f"{f} {t:.1f} s ({1000 * t / counts[f]:.1f} ms each)"
            for f, t in self.seconds.most_common(8)
        )
        print(f"  time by family: {slowest}")
        crashes = Counter(  # grouped by the message's template and where it was raised
            f"{r.name}: {r.msg}\n{_last_lines(r)}"
            for r in caplog.records
            if r.levelno >= logging.ERROR and r.name.startswith("bot.")
            and ("unhandled error" in r.getMessage() or r.exc_info)
        )  # fmt: skip
        problems = [
            f"{problem} ({route}, {family}, status {status}) x{len(inputs)}, e.g.:\n"
            + "\n".join(inputs[:2])
            for (problem, route, family, status), inputs in self.failures.items()
        ]
        problems += after + [f"logged x{n}: {text}" for text, n in crashes.items()]
        if problems:
            pytest.fail(
                f"{len(problems)} kind(s) of problem with FUZZ_SEED={SEED} FUZZ_COUNT={TOTAL} "
                f"(run {self.name!r}):\n\n" + "\n\n".join(p[:3000] for p in problems[:20]),
                pytrace=False,
            )


def _last_lines(record: logging.LogRecord) -> str:
    """Where a logged exception came from (our innermost frames, the raise) and its first line."""
    exc = record.exc_info[1] if record.exc_info else None
    if exc is None:
        return ""
    stack = traceback.extract_tb(exc.__traceback__)
    frames = [f for f in stack[:-1] if "/bot/" in f.filename][-2:] + stack[-1:]
    where = "\n".join(f"      {f.filename}:{f.lineno} in {f.name}: {f.line}" for f in frames)
    first = (str(exc).splitlines() or [""])[0][:200]
    return f"{where}\n      {type(exc).__module__}.{type(exc).__qualname__}: {first}"


def route_of(request: FuzzRequest) -> str:
    return f"{request.method} {request.path.split('?')[0][:20]}"


async def send(gateway: Gateway, request: FuzzRequest) -> RawAnswer:
    server = gateway.client.server
    if request.raw is not None:
        return await fuzz.send_raw(
            server.host, server.port, request.raw,
            half_close=bool(request.note.get("half_close")), then=request.note.get("then"),
        )  # fmt: skip
    url = aiohttp.client.URL(f"http://{server.host}:{server.port}{request.path}", encoded=True)
    # An early 413 leaves a keep-alive connection unusable (see the pipelined raw requests):
    # large bodies get a connection of their own, so the shared ones stay usable.
    large = request.body is not None and len(request.body) > 64 * 1024
    session = gateway.closing if large and gateway.closing else gateway.client.session
    for attempt in (1, 2):
        data: Any = request.body
        if request.chunks and request.body is not None:
            data = _pieces(request.body, request.chunks)
        try:
            async with session.request(
                request.method, url, headers=request.headers, data=data,
                skip_auto_headers=("Content-Type",), timeout=aiohttp.ClientTimeout(total=5),
            ) as response:  # fmt: skip
                body = await response.read()
                return RawAnswer(
                    response.status, {k.lower(): v for k, v in response.headers.items()}, body
                )
        except (aiohttp.ClientOSError, aiohttp.ServerDisconnectedError):
            if attempt == 2:  # a connection the server closed after an answer, then this one
                return RawAnswer(None, {}, b"")
    raise AssertionError("unreachable")


async def _pieces(body: bytes, count: int) -> AsyncIterator[bytes]:
    size = max(1, len(body) // count)
    for start in range(0, len(body), size):
        yield body[start : start + size]
        await asyncio.sleep(0)


def _json(answer: RawAnswer) -> Any:
    try:
        return json.loads(answer.body)
    except ValueError:
        return None


def judge(request: FuzzRequest, answer: RawAnswer, context: Context) -> str | None:
    """Return what is wrong with this answer to this request, or None."""
    status, path = answer.status, request.path.split("?")[0]
    body = _json(answer)
    malformed = request.raw is not None or request.note.get("malformed_http")
    if answer.hung and request.note.get("then"):
        return "after an early answer the connection hung: the next request was not answered"
    if answer.hung:
        return "the connection hung: neither answered nor closed within 3 s"
    if status is None:
        return None if malformed else "no answer"
    if status >= 500:
        documented = status == 503 and (
            path == "/healthz"
            or (path == WEBHOOK_PATH and request.method == "POST" and not context.telegram_ready)
            or (
                path == "/api/messages" and request.method == "POST"
                and context.rasa_mode in ("unavailable", "error")
                and isinstance(body, dict) and body.get("status") == "retrying"
            )
        )  # fmt: skip
        return None if documented else f"undocumented {status}"
    if 400 <= status < 500:
        # aiohttp's static files answer 403 to a path that leaves the directory (a refusal)
        if status not in DOCUMENTED_4XX and not (status == 403 and path.startswith("/static/")):
            return f"undocumented {status}"
        plain_protocol_error = malformed and status == 400 and body is None
        wants_json = path.startswith(("/api/", "/telegram/")) and request.method != "HEAD"
        if (
            wants_json
            and not plain_protocol_error
            and not (isinstance(body, dict) and isinstance(body.get("error"), str))
        ):
            return "4xx without a JSON error"
        if status == 429 and "retry-after" not in answer.headers:
            return "429 without Retry-After"
    check = ROUTE_CHECKS.get((request.method, path))
    return None if check is None or malformed else check(request, answer, body, context)


def _check_post_message(
    request: FuzzRequest, answer: RawAnswer, body: Any, context: Context
) -> str | None:
    token = request.note.get("token")
    if token == "invalid" and answer.status != 401:
        return "a request without a well-formed token was not refused with 401"
    if token == "made-up" and answer.status not in (400, 401, 413, 415):
        return "a made-up token was accepted"
    expected = {200: {"processed", "duplicate", "handed_over", "given_up"},
                202: {"queued", "processing"}, 503: {"retrying"}}.get(answer.status)  # fmt: skip
    if expected is not None and not (
        isinstance(body, dict) and body.get("status") in expected
        and isinstance(body.get("replies"), list)
    ):  # fmt: skip
        return f"{answer.status} with an unexpected body"
    if answer.status == 503 and "retry-after" not in answer.headers:
        return "503 without Retry-After"
    return None


def _check_get_messages(
    request: FuzzRequest, answer: RawAnswer, body: Any, context: Context
) -> str | None:
    token = request.note.get("token")
    if token in ("invalid", "made-up") and answer.status != 401:
        return "polled without a valid token"
    if answer.status == 200 and not (
        isinstance(body, dict) and isinstance(body.get("replies"), list)
        and isinstance(body.get("pending"), int)
    ):  # fmt: skip
        return "200 without replies and pending"
    if token == "valid" and request.note.get("after_ok") and answer.status != 200:
        return "a valid poll was refused"
    return None


def _check_conversations(
    request: FuzzRequest, answer: RawAnswer, body: Any, context: Context
) -> str | None:
    if answer.status == 201:
        token = body.get("token") if isinstance(body, dict) else None
        if not (isinstance(token, str) and re.fullmatch(r"[A-Za-z0-9_-]{43}", token)):
            return "201 without a token"
        if "chat_token=" not in answer.headers.get("set-cookie", ""):
            return "201 without the cookie"
    elif answer.status != 429:
        return "new conversation neither issued nor rate-limited"
    return None


def _check_webhook(
    request: FuzzRequest, answer: RawAnswer, body: Any, context: Context
) -> str | None:
    secret = request.note.get("secret")
    if secret == "wrong" and answer.status != 401:
        return "a wrong secret was not refused"
    if secret == "right" and answer.status not in (200, 413, 503):
        return "an authenticated update was not answered 200"
    if answer.status == 200 and not (isinstance(body, dict) and body.get("ok") is True):
        return "200 without ok"
    return None


ROUTE_CHECKS: dict[tuple[str, str], Callable[..., str | None]] = {
    ("POST", "/api/messages"): _check_post_message,
    ("GET", "/api/messages"): _check_get_messages,
    ("POST", "/api/conversations"): _check_conversations,
    ("POST", WEBHOOK_PATH): _check_webhook,
}


# ----- afterwards: still serving, inbox consistent -------------------------------------------


def _unfinished(factory: sessionmaker) -> int:
    with factory() as session:
        statuses = [s.value for s in UNFINISHED_INBOUND]
        query = select(func.count(InboundMessage.id)).where(InboundMessage.status.in_(statuses))
        return int(session.execute(query).scalar_one())


async def settle(gateway: Gateway, timeout: float = 30.0) -> list[str]:
    """Wait until every recorded message is finished (Rasa answers again)."""
    deadline = time.monotonic() + timeout
    while (left := await asyncio.to_thread(_unfinished, gateway.factory)) > 0:
        if time.monotonic() > deadline:
            return [f"{left} inbound message(s) still unfinished {timeout} s after Rasa recovered"]
        await asyncio.sleep(0.05)
    return []


async def still_serving(gateway: Gateway) -> list[str]:
    """Known-good requests on every route after the fuzzing."""
    client, problems = gateway.client, []
    headers = {"Authorization": f"Bearer {gateway.spare_token}"}
    response = await client.post(
        "/api/messages", json={"text": "halo", "message_id": "known-good"}, headers=headers
    )
    body = await response.json()
    if response.status != 200 or body.get("status") != "processed" or not body["replies"]:
        problems.append(f"web chat no longer answers: {response.status} {body}")
    if (response := await client.get("/api/messages", headers=headers)).status != 200:
        problems.append(f"polling no longer works: {response.status}")
    health = await (await client.get("/healthz")).json()
    if health["components"]["database"] != "up" or health["components"]["rasa"] != "up":
        problems.append(f"health after fuzzing: {health}")
    update = {"update_id": 9_999_999, "message": {
        "message_id": 1, "date": 1441645532, "text": "halo",
        "chat": {"id": CHATS[0], "type": "private", "first_name": "T"},
    }}  # fmt: skip
    response = await client.post(WEBHOOK_PATH, json=update, headers={SECRET_HEADER: SECRET})
    if response.status != 200:
        problems.append(f"the webhook no longer answers: {response.status}")
    return problems + await settle(gateway)


def inbox_problems(gateway: Gateway) -> list[str]:
    """Every message finished, clean text, payloads offered, outbox rows sound, no double turn."""
    with gateway.factory() as session:
        contacts = {c.id: c for c in session.execute(select(Contact)).scalars()}
        inbound = {m.id: m for m in session.execute(select(InboundMessage)).scalars()}
        outbound = list(session.execute(select(OutboundMessage)).scalars())
    problems, offered = [], {}
    for row in outbound:
        buttons = row.body.get("buttons") if isinstance(row.body, dict) else None
        if not isinstance(buttons, list) or "text" not in row.body:
            problems.append(f"outbound {row.id} has a malformed body {row.body!r}")
            continue
        offered.setdefault(row.contact_id, set()).update(b.get("payload") for b in buttons)
        source = inbound.get(row.inbound_id)
        allowed = {"pending", "delivered"} if row.channel == "webchat" else {
            "pending", "sending", "sent", "failed"}  # fmt: skip
        if row.contact_id not in contacts or contacts[row.contact_id].channel != row.channel:
            problems.append(f"outbound {row.id} belongs to no contact of its channel")
        elif source is not None and source.contact_id != row.contact_id:
            problems.append(f"outbound {row.id} answers another contact's message")
        elif row.status not in allowed:
            problems.append(f"outbound {row.id} is {row.status!r} on {row.channel}")
    for row in inbound.values():
        where = f"inbound {row.id} ({row.channel}, {row.kind}, {row.external_message_id!r})"
        if row.status not in ("processed", "given_up"):
            problems.append(f"{where} ended {row.status!r}")
        for value in (row.text, row.payload):
            if value and re.search("[\x00\ud800-\udfff]", value):
                problems.append(f"{where} stored NUL or a lone surrogate: {value[:80]!r}")
        if row.kind == "text" and not row.text:
            problems.append(f"{where} is empty typed text")
        if row.kind == "button" and row.payload not in offered.get(row.contact_id, set()):
            problems.append(f"{where} has a payload never offered: {row.payload!r}")
        if contacts.get(row.contact_id) is None or contacts[row.contact_id].channel != row.channel:
            problems.append(f"{where} belongs to no contact of its channel")
    turns = Counter(
        (r["sender"], r["message_id"]) for r in gateway.rasa.received if r.get("_processed")
    )
    problems += [f"Rasa processed {key} {n} times" for key, n in turns.items() if n > 1]
    return problems


async def finish(
    run: Run, gateway: Gateway, caplog: pytest.LogCaptureFixture, after: list[str]
) -> None:
    after += await switch_rasa(gateway, "answer")
    with gateway.factory() as session:
        run.recorded = session.execute(select(func.count(InboundMessage.id))).scalar_one()
    run.rasa_calls = len(gateway.rasa.received)
    after += await still_serving(gateway)
    after += await asyncio.to_thread(inbox_problems, gateway)
    run.report(caplog, after)


# ----- the runs --------------------------------------------------------------------------------

# (from this fraction of the web chat traffic on, Rasa is in this mode)
RASA_PHASES = ((0.0, "answer"), (0.35, "unavailable"), (0.5, "answer"), (0.6, "error"),
               (0.75, "silent"), (0.8, "slow"), (0.85, "answer"))  # fmt: skip


async def switch_rasa(gateway: Gateway, mode: str) -> list[str]:
    """Change Rasa's mode; after an outage, wait until the inbox has caught up."""
    was_down = gateway.rasa.mode in ("unavailable", "error")
    gateway.rasa.mode, gateway.rasa.delay = mode, 0.02
    return await settle(gateway) if was_down and mode not in ("unavailable", "error") else []


async def test_web_chat_api_survives_fuzzing(start, caplog):
    gateway = await start()
    run, after = Run("webchat", SHARES["webchat"]), []
    for index in range(run.count):
        mode = [m for since, m in RASA_PHASES if index >= since * run.count][-1]
        if mode != gateway.rasa.mode:
            after += await switch_rasa(gateway, mode)
        request = fuzz.webchat_request(run.rng, gateway.tokens)
        await run.exchange(gateway, request, Context(gateway.rasa.mode, True))
    await finish(run, gateway, caplog, after)


async def test_telegram_webhook_survives_fuzzing(start, fake_telegram, caplog):
    for _ in range(2):  # the channel is not ready for a while: those updates get 503
        fake_telegram.fail_next("getMe", 502, "Bad Gateway")
    gateway = await start(wait_ready=False)
    run, after, seen, early = Run("telegram", SHARES["telegram"]), [], [], 0
    for index in range(run.count):
        mode = "unavailable" if 0.5 <= index / run.count < 0.6 else "answer"
        if mode != gateway.rasa.mode:
            after += await switch_rasa(gateway, mode)
        request = fuzz.telegram_request(
            run.rng, CHATS, seen, path=WEBHOOK_PATH, secret=SECRET, header=SECRET_HEADER
        )
        ready = gateway.telegram.ready.is_set()
        if not ready and early >= run.count // 20:  # enough of those; now the channel is up
            await asyncio.wait_for(gateway.telegram.ready.wait(), 10)
            ready = True
        early += not ready
        await run.exchange(gateway, request, Context(gateway.rasa.mode, ready))
    print(f"fuzz telegram: {early} update(s) sent before the channel was ready")
    await finish(run, gateway, caplog, after)


async def test_any_method_and_path_survives_fuzzing(start, caplog):
    gateway = await start()
    run = Run("routes", SHARES["routes"])
    secret_line = f"{SECRET_HEADER}: {SECRET}"
    for _ in range(run.count):
        if run.rng.random() < 0.1:
            request = fuzz.raw_request(run.rng, run.rng.choice(gateway.tokens), secret_line)
        else:
            request = fuzz.route_request(run.rng)
            if request.path.startswith(WEBHOOK_PATH):
                request.headers[SECRET_HEADER] = SECRET
        await run.exchange(gateway, request, Context(gateway.rasa.mode, True))
    await finish(run, gateway, caplog, [])
