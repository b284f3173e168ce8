"""`python -m bot serve` with Telegram on stops within seconds of SIGTERM, losing no reply.

The gateway runs as a real subprocess against a fake Bot API and a fake Rasa served from
threads of the test process. The 5-second bound is a correctness property (a stop must not
wait for long polls, leases or a send in flight; the old gateway took 60 s), not a benchmark.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from sqlalchemy import select

from bot import PROJECT_ROOT
from bot.channels.telegram.webhook import SECRET_HEADER, WEBHOOK_PATH
from bot.db.engine import make_engine, upgrade_database
from bot.inbox.models import OutboundMessage
from tests.channels.conftest import BOT_TOKEN, RASA_TOKEN, SECRET
from tests.helpers import telegram_updates as tg
from tests.helpers.fake_rasa import FakeRasa
from tests.helpers.fake_telegram import FakeTelegram

pytestmark = pytest.mark.timeout(120)

STOP_BOUND_SECONDS = 5


class ServerThread:
    """Serve an aiohttp app on a free port of 127.0.0.1 from a thread with its own event loop.

    The fake keeps answering while the test blocks on the subprocess. Use `call` to run
    something on the server's loop.
    """

    def __init__(self, app: web.Application) -> None:
        self._app = app
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._started = threading.Event()
        self._runner: web.AppRunner | None = None
        self.url = ""

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._runner = web.AppRunner(self._app)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"
        self._started.set()
        self._loop.run_forever()
        self._loop.run_until_complete(self._runner.shutdown())
        pending = asyncio.all_tasks(self._loop)  # requests still held or long-polling
        for task in pending:
            task.cancel()
        self._loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        self._loop.run_until_complete(self._runner.cleanup())
        self._loop.close()

    def call(self, fn: Callable[..., Any], *args: Any) -> None:
        """Run `fn(*args)` on the server's loop (thread-safe)."""
        self._loop.call_soon_threadsafe(fn, *args)

    def __enter__(self) -> ServerThread:
        self._thread.start()
        if not self._started.wait(10):
            raise RuntimeError("the fake server did not start")
        return self

    def __exit__(self, *_exc: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def gateway_env(database_url: str, port: int, mode: str, telegram: str, rasa: str) -> dict:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("TELEGRAM_", "WEBCHAT_", "RASA_", "GATEWAY_", "INBOX_"))
    }
    return env | {
        "BOT_ENV": "test",
        "DATABASE_URL": database_url,
        "RASA_URL": rasa,
        "RASA_TOKEN": RASA_TOKEN,
        "ACTION_SERVER_URL": "http://127.0.0.1:9",  # absent: /healthz answers 503
        "GATEWAY_HOST": "127.0.0.1",
        "GATEWAY_PORT": str(port),
        "TELEGRAM_BOT_TOKEN": BOT_TOKEN,
        "TELEGRAM_API_URL": f"{telegram}/bot",
        "TELEGRAM_FILE_URL": f"{telegram}/file/bot",
        "TELEGRAM_MODE": mode,
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
    }


@contextmanager
def serve(env: dict, log: Path) -> Iterator[subprocess.Popen]:
    """Run `python -m bot serve`; kill it if the test leaves it running."""
    with log.open("ab") as output:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve"],
            cwd=PROJECT_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


def http_status(port: int, method: str, path: str, **request: object) -> int:
    """Send one request to the gateway; return the HTTP status."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request(method, path, **request)  # type: ignore[arg-type]
        return connection.getresponse().status
    finally:
        connection.close()


def wait_until_serving(port: int, proc: subprocess.Popen, log: Path) -> None:
    """Wait until /healthz answers (503 is fine: the action server is absent)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"gateway exited {proc.returncode}:\n{log.read_text()}")
        try:
            assert http_status(port, "GET", "/healthz") in (200, 503)
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"gateway did not serve:\n{log.read_text()}")


def post_update(port: int, update: dict) -> None:
    """POST to the webhook until the channel is ready and takes it (200, not 503 starting)."""
    body = json.dumps(update).encode()
    headers = {"Content-Type": "application/json", SECRET_HEADER: SECRET}
    deadline = time.monotonic() + 20
    while (status := http_status(port, "POST", WEBHOOK_PATH, body=body, headers=headers)) == 503:
        assert time.monotonic() < deadline, "the Telegram channel did not get ready"
        time.sleep(0.1)
    assert status == 200


def reply_statuses(database_url: str) -> list[str]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(select(OutboundMessage.status)).scalars())
    finally:
        engine.dispose()


def stop(proc: subprocess.Popen, log: Path) -> float:
    """SIGTERM the gateway; return the seconds it took to exit (at most the bound)."""
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=STOP_BOUND_SECONDS)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"still running {STOP_BOUND_SECONDS}s after SIGTERM:\n"
                             f"{log.read_text()[-3000:]}") from None  # fmt: skip
    return time.monotonic() - started


@pytest.mark.parametrize("mode", ["webhook", "polling"])
def test_sigterm_stops_in_seconds_and_gives_back_a_reply_in_flight(tmp_path, mode):
    database_url = f"sqlite:///{tmp_path / 'bot.db'}"
    upgrade_database(database_url)
    telegram, rasa = FakeTelegram(token=BOT_TOKEN), FakeRasa(token=RASA_TOKEN)
    log = tmp_path / "serve.log"
    with ServerThread(telegram.app()) as telegram_server, ServerThread(rasa.app()) as rasa_server:
        telegram.url = telegram_server.url
        port = free_port()
        env = gateway_env(database_url, port, mode, telegram_server.url, rasa_server.url)
        telegram.hold("sendMessage")  # the reply's send hangs: Telegram is slow right now
        with serve(env, log) as proc:
            wait_until_serving(port, proc, log)
            update = tg.text(1, "jam buka kantor?")
            if mode == "webhook":
                post_update(port, update)
            else:
                telegram.wait_for_blocking("getUpdates")  # polling
                telegram_server.call(telegram.push_update, update)
            telegram.wait_for_blocking("sendMessage")
            assert reply_statuses(database_url) == ["sending"]  # claimed by the sender
            took = stop(proc, log)
            assert proc.returncode == 0, log.read_text()[-3000:]
        assert took < STOP_BOUND_SECONDS
        assert reply_statuses(database_url) == ["pending"], log.read_text()[-3000:]

        telegram.release("sendMessage")  # the next start delivers it
        with serve(env, log) as proc:
            wait_until_serving(port, proc, log)
            telegram.wait_for_blocking("sendMessage", 2, timeout=20)
            deadline = time.monotonic() + 10
            while reply_statuses(database_url) != ["sent"] and time.monotonic() < deadline:
                time.sleep(0.05)
            assert stop(proc, log) < STOP_BOUND_SECONDS
    first, again = telegram.calls_of("sendMessage")
    assert first["text"] == again["text"] == "jawaban untuk: jam buka kantor?\n\nAda lagi?"
    assert reply_statuses(database_url) == ["sent"]
    assert rasa.processed() == ["jam buka kantor?"]
