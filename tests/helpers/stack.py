"""Start the real product on free local ports with a fresh, seeded database (tests, benchmarks)."""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot import PROJECT_ROOT
from bot.db.engine import make_engine, make_session_factory, upgrade_database
from bot.launcher import Stack
from bot.schedule.demo import seed_demo
from bot.settings import Settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def latest_model() -> Path | None:
    models = sorted((PROJECT_ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


def latest_model_or_skip() -> Path:
    """The newest trained model; without one the test is skipped (a failure when CI is set)."""
    model = latest_model()
    if model is None:
        reason = "no trained model in models/ (make test trains one)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return model


@dataclass
class RunningStack:
    settings: Settings
    model: Path
    log_dir: Path
    tracker_url: str
    processes: Stack
    tokens: dict[str, str] = field(default_factory=dict)

    async def send(self, body: dict, conversation: str = "") -> list[dict]:
        """POST one web chat message (`text` or `payload`) in a conversation; return the replies.

        `conversation` names a citizen within the test: the first message under a name opens a
        conversation (POST /api/conversations) and later ones reuse its token; "" is a new one.
        """
        async with aiohttp.ClientSession() as client:
            token = await self.token(client, conversation)
            url = f"{self.settings.gateway_url}/api/messages"
            headers = {"Authorization": f"Bearer {token}"}
            async with client.post(url, json=body, headers=headers) as response:
                data = await response.json()
                assert response.status == 200, data
                return list(data["replies"])

    async def token(self, client: aiohttp.ClientSession, conversation: str = "") -> str:
        """Return the token of a named conversation, opening it on first use."""
        if conversation and conversation in self.tokens:
            return self.tokens[conversation]
        async with client.post(f"{self.settings.gateway_url}/api/conversations") as response:
            assert response.status == 201, await response.text()
            token = str((await response.json())["token"])
        if conversation:
            self.tokens[conversation] = token
        return token

    async def staff_command(self, *argv: str) -> str:
        """Run `python -m bot ARGV...` against this stack's database, as staff would; its output."""
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", *argv,
            cwd=PROJECT_ROOT, env={**os.environ, "DATABASE_URL": self.settings.database_url},
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip
        output, _ = await asyncio.wait_for(process.communicate(), timeout=120)
        assert process.returncode == 0, output.decode()
        return output.decode()

    def logs(self) -> str:
        return "\n".join(
            f"--- {log.name} (tail) ---\n" + log.read_text(errors="replace")[-4000:]
            for log in sorted(self.log_dir.glob("*.log"))
        )


def start_stack(
    workdir: Path,
    model: Path,
    *,
    database_url: str | None = None,
    tracker_url: str | None = None,
    extra_env: dict[str, str] | None = None,
    **overrides: Any,
) -> RunningStack:
    """Seed a fresh database (a SQLite file in `workdir` unless given), start the three processes.

    The caller stops them. `extra_env` overrides the environment (lock store, Sanic workers);
    `overrides` are fields of `Settings` (timeouts).
    """
    database_url = database_url or f"sqlite:///{workdir / 'bot.db'}"
    upgrade_database(database_url)
    engine = make_engine(database_url)
    with make_session_factory(engine).begin() as session:
        seed_demo(session=session, now=datetime.now(timezone.utc))
    engine.dispose()
    settings = Settings(
        env="test",
        database_url=database_url,
        rasa_url=f"http://127.0.0.1:{free_port()}",
        rasa_token=secrets.token_urlsafe(24),
        action_server_token=secrets.token_urlsafe(24),
        action_server_url=f"http://127.0.0.1:{free_port()}",
        gateway_port=free_port(),
        **overrides,
    )
    tracker_url = tracker_url or f"sqlite:///{workdir / 'tracker.db'}"
    processes = Stack(
        settings=settings,
        model_path=model,
        log_dir=workdir / "logs",
        extra_env={
            "TRACKER_STORE_URL": tracker_url,
            "LOCK_STORE_TYPE": "in_memory",
            # tests and benchmarks open many conversations from one address, quickly
            "WEBCHAT_CONVERSATIONS_PER_MINUTE": "100000",
            "WEBCHAT_CONVERSATION_BURST": "10000",
            "WEBCHAT_MESSAGES_PER_MINUTE": "100000",
            "WEBCHAT_MESSAGE_BURST": "10000",
            **(extra_env or {}),
        },
    )
    processes.start()
    return RunningStack(settings, model, workdir / "logs", tracker_url, processes)
