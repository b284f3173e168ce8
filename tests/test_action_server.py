"""The action server runs actions only for callers holding ACTION_SERVER_TOKEN (that is, Rasa)."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import rasa_sdk
from sqlalchemy import select

from bot import PROJECT_ROOT
from bot.db.engine import make_engine, make_session_factory, upgrade_database
from bot.knowledge.models import UnansweredQuestion
from bot.launcher import Stack, rasa_environment
from bot.settings import Settings, SettingsError, load_settings
from tests.helpers.stack import free_port
from tests.helpers.trackers import make_tracker

QUESTION = "cara bikin npwp, nik saya 6171012345678901"


@dataclass
class ActionServer:
    url: str
    token: str
    database_url: str
    log: Path

    def unanswered(self) -> list[str]:
        engine = make_engine(self.database_url)
        try:
            with make_session_factory(engine).begin() as session:
                return list(session.execute(select(UnansweredQuestion.text)).scalars())
        finally:
            engine.dispose()


def server_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "ACTION_SERVER_TOKEN"}
    env.update({"BOT_ENV": "test", "SANIC_HOST": "127.0.0.1", "SANIC_WORKERS": "1"})
    env.update(overrides)
    return env


def call(
    url: str, body: dict[str, Any] | None = None, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    """POST `body` (or GET without one); return the status and the decoded JSON answer."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers=headers or {})  # noqa: S310
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - local
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def webhook_body(text: str) -> dict[str, Any]:
    """What Rasa posts to run action_faq_answer for a question the knowledge base can't answer."""
    tracker = make_tracker(text, intent="ask_faq")
    return {
        "next_action": "action_faq_answer",
        "sender_id": tracker.sender_id,
        "tracker": tracker.current_state(),
        "domain": {},
        "version": rasa_sdk.__version__,
    }


@pytest.fixture(scope="module")
def action_server(tmp_path_factory) -> Iterator[ActionServer]:
    """`python -m bot.action_server` on a free port and an empty, migrated SQLite database."""
    workdir = tmp_path_factory.mktemp("action_server")
    database_url = f"sqlite:///{workdir / 'bot.db'}"
    upgrade_database(database_url)
    settings = Settings(
        env="test",
        database_url=database_url,
        action_server_url=f"http://127.0.0.1:{free_port()}",
        action_server_token=secrets.token_urlsafe(24),
    )
    # started the way the launcher starts it: its command line and its environment
    launcher = Stack(settings=settings, extra_env={"SANIC_WORKERS": "1", "SANIC_HOST": "127.0.0.1"})
    log = workdir / "actions.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            launcher.commands()["actions"],
            cwd=PROJECT_ROOT,
            env=launcher._env(),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    server = ActionServer(
        settings.action_server_url, settings.action_server_token, database_url, log
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                pytest.fail(f"the action server exited:\n{log.read_text(errors='replace')}")
            try:
                if call(f"{server.url}/health")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the action server did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.3)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for name in ("BOT_ENV", "RASA_TOKEN", "ACTION_SERVER_TOKEN", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return monkeypatch


def test_settings_read_the_token_and_make_one_in_development(clean_env, tmp_path):
    no_env_file = tmp_path / "missing.env"
    first, second = load_settings(env_file=no_env_file), load_settings(env_file=no_env_file)
    assert len(first.action_server_token) >= 24
    assert first.action_server_token not in (second.action_server_token, first.rasa_token)
    clean_env.setenv("ACTION_SERVER_TOKEN", " from-the-environment ")
    assert load_settings(env_file=no_env_file).action_server_token == "from-the-environment"


def test_production_requires_the_token(clean_env, tmp_path):
    clean_env.setenv("BOT_ENV", "production")
    clean_env.setenv("RASA_TOKEN", "x" * 32)
    clean_env.setenv("DATABASE_URL", "postgresql+psycopg2://u:p@db/bot")
    with pytest.raises(SettingsError, match="ACTION_SERVER_TOKEN"):
        load_settings(env_file=tmp_path / "missing.env")


def test_the_launcher_runs_this_server_and_gives_rasa_the_same_token():
    settings = Settings(
        env="test", action_server_url="http://127.0.0.1:5099", action_server_token="s3cret"
    )
    launcher = Stack(settings=settings)
    assert launcher.commands()["actions"] == [
        sys.executable, "-m", "bot.action_server", "--port", "5099",
    ]  # fmt: skip
    assert launcher._env()["ACTION_SERVER_TOKEN"] == "s3cret"
    assert rasa_environment(settings, base={})["ACTION_SERVER_TOKEN"] == "s3cret"


def test_health_stays_open(action_server):
    assert call(f"{action_server.url}/health") == (200, {"status": "ok"})


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-token"},
        {"Authorization": ""},
        {"Authorization": "Bearer "},
        {"Authorization": "Basic dXNlcjpwYXNz"},
    ],
    ids=["no header", "wrong token", "empty", "empty bearer", "basic"],
)
def test_a_webhook_call_without_the_token_runs_nothing(action_server, headers):
    before = action_server.unanswered()
    status, body = call(f"{action_server.url}/webhook", webhook_body(QUESTION), headers)
    assert (status, body) == (401, {"error": "unauthorised"})
    assert action_server.unanswered() == before


@pytest.mark.parametrize(
    "header",
    [
        "{token}",  # without the scheme
        "bearer {token}",
        "Bearer {token}x",
        "Bearer {token_prefix}",
    ],
)
def test_only_exactly_bearer_and_the_token_passes(action_server, header):
    value = header.format(token=action_server.token, token_prefix=action_server.token[:-1])
    before = action_server.unanswered()
    status, _ = call(
        f"{action_server.url}/webhook", webhook_body(QUESTION), {"Authorization": value}
    )
    assert status == 401
    assert action_server.unanswered() == before


def test_the_action_list_needs_the_token_too(action_server):
    assert call(f"{action_server.url}/actions") == (401, {"error": "unauthorised"})
    status, actions = call(
        f"{action_server.url}/actions", headers={"Authorization": f"Bearer {action_server.token}"}
    )
    assert status == 200
    assert {"name": "action_faq_answer"} in actions


def test_a_webhook_call_with_the_token_runs_the_action(action_server):
    before = action_server.unanswered()
    status, body = call(
        f"{action_server.url}/webhook",
        webhook_body(QUESTION),
        {"Authorization": f"Bearer {action_server.token}"},
    )
    assert status == 200, body
    assert [m["response"] for m in body["responses"]] == ["utter_faq_no_answer"]
    assert body["events"] == []
    assert action_server.unanswered() == [*before, "cara bikin npwp, nik saya 617101******8901"]


async def test_rasa_sends_the_token_from_endpoints_yml(action_server, monkeypatch):
    from rasa.utils.endpoints import read_endpoint_config

    settings = Settings(
        env="test", action_server_url=action_server.url, action_server_token=action_server.token
    )
    for name, value in rasa_environment(settings, base={}).items():  # as the launcher sets it
        monkeypatch.setenv(name, value)
    endpoint = read_endpoint_config(str(PROJECT_ROOT / "endpoints.yml"), "action_endpoint")

    assert endpoint is not None
    assert endpoint.url == f"{action_server.url}/webhook"
    assert endpoint.headers == {"Authorization": f"Bearer {action_server.token}"}
    # the very call Rasa's RemoteAction makes
    before = action_server.unanswered()
    result = await endpoint.request(json=webhook_body(QUESTION), method="post", timeout=30)
    assert [m["response"] for m in result["responses"]] == ["utter_faq_no_answer"]
    assert len(action_server.unanswered()) == len(before) + 1


def test_a_refused_call_is_logged_masked(action_server):
    status, _ = call(f"{action_server.url}/webhook/6171012345678901", webhook_body(QUESTION))
    assert status == 401
    deadline = time.monotonic() + 10
    while "refused POST /webhook/" not in (log := action_server.log.read_text(errors="replace")):
        assert time.monotonic() < deadline, log
        time.sleep(0.1)
    assert "refused POST /webhook/617101******8901" in log
    assert "6171012345678901" not in log


def env_file_sets_the_token() -> bool:
    env_file = PROJECT_ROOT / ".env"
    return env_file.exists() and "ACTION_SERVER_TOKEN" in env_file.read_text(errors="replace")


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(
            None,
            marks=pytest.mark.skipif(env_file_sets_the_token(), reason=".env sets the token"),
        ),
        "",
        "   ",
    ],
    ids=["unset", "empty", "blank"],
)
def test_it_does_not_start_without_the_token(tmp_path, value):
    env = server_env(DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}")
    if value is not None:
        env["ACTION_SERVER_TOKEN"] = value
    result = subprocess.run(
        [sys.executable, "-m", "bot.action_server", "--port", str(free_port())],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert "ACTION_SERVER_TOKEN must be set" in result.stderr
