"""Start the real product on free local ports with a fresh, seeded database (tests, benchmarks)."""

from __future__ import annotations

import os
import secrets
import socket
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

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

    async def send(self, body: dict) -> list[dict]:
        """POST one web chat message (`text` or `payload`) to the gateway; return the replies."""
        async with aiohttp.ClientSession() as client:
            url = f"{self.settings.gateway_url}/api/messages"
            async with client.post(url, json=body) as response:
                data = await response.json()
                assert response.status == 200, data
                return list(data["replies"])

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
) -> RunningStack:
    """Seed a fresh database (a SQLite file in `workdir` unless given), start the three processes.

    The caller stops them. `extra_env` overrides the environment (lock store, Sanic workers).
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
        action_server_url=f"http://127.0.0.1:{free_port()}",
        gateway_port=free_port(),
    )
    tracker_url = tracker_url or f"sqlite:///{workdir / 'tracker.db'}"
    processes = Stack(
        settings=settings,
        model_path=model,
        log_dir=workdir / "logs",
        extra_env={
            "TRACKER_STORE_URL": tracker_url,
            "LOCK_STORE_TYPE": "in_memory",
            **(extra_env or {}),
        },
    )
    processes.start()
    return RunningStack(settings, model, workdir / "logs", tracker_url, processes)
