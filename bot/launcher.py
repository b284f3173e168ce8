"""Start Rasa, the action server and the gateway together; stop them together."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bot import PROJECT_ROOT
from bot.settings import Settings

logger = logging.getLogger(__name__)

VENV_BIN = Path(sys.executable).parent


def rasa_environment(settings: Settings, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """Return the environment that endpoints.yml and credentials.yml expect, with defaults."""
    env = dict(os.environ if base is None else base)
    env["RASA_TOKEN"] = settings.rasa_token
    env["ACTION_SERVER_TOKEN"] = settings.action_server_token  # endpoints.yml sends it
    env.setdefault("ACTION_ENDPOINT_URL", f"{settings.action_server_url}/webhook")
    env.setdefault("TRACKER_STORE_URL", f"sqlite:///{PROJECT_ROOT / 'var' / 'rasa_tracker.db'}")
    env.setdefault("LOCK_STORE_TYPE", "in_memory")
    env.setdefault("LOCK_STORE_HOST", "127.0.0.1")
    env.setdefault("LOCK_STORE_PORT", "6379")
    env.setdefault("LOCK_STORE_DB", "0")
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("SANIC_HOST", "127.0.0.1")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    return env


@dataclass
class Stack:
    """The three processes of the product, started from one settings object."""

    settings: Settings
    model_path: Path = PROJECT_ROOT / "models"
    log_dir: Path | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def _env(self) -> dict[str, str]:
        env = rasa_environment(self.settings)
        env.update(
            {
                "RASA_TOKEN": self.settings.rasa_token,
                "ACTION_SERVER_TOKEN": self.settings.action_server_token,
                "DATABASE_URL": self.settings.database_url,
                "BOT_ENV": self.settings.env,
                "RASA_URL": self.settings.rasa_url,
                "ACTION_SERVER_URL": self.settings.action_server_url,
                "RASA_TIMEOUT_SECONDS": str(self.settings.rasa_timeout_seconds),
                "INBOX_LEASE_SECONDS": str(self.settings.inbox_lease_seconds),
                "GATEWAY_HOST": self.settings.gateway_host,
                "GATEWAY_PORT": str(self.settings.gateway_port),
            }
        )
        env.update(self.extra_env)
        return env

    def commands(self) -> dict[str, list[str]]:
        rasa = urlsplit(self.settings.rasa_url)
        actions = urlsplit(self.settings.action_server_url)
        return {
            # rasa-sdk's server, refusing calls without ACTION_SERVER_TOKEN (bot/action_server.py)
            "actions": [
                sys.executable, "-m", "bot.action_server", "--port", str(actions.port or 5055),
            ],
            "rasa": [
                # Rasa's command line with the speed-ups and guarantees of bot/rasa_server.py.
                # No --enable-api: the gateway needs only its own channel (bearer token in a
                # header); Rasa's REST API would take its token in the query string.
                sys.executable, "-m", "bot.rasa_server", "run",
                "--model", str(self.model_path), "--endpoints", "endpoints.yml",
                "--credentials", "credentials.yml", "--interface", rasa.hostname or "127.0.0.1",
                "--port", str(rasa.port or 5005),
            ],
            "gateway": [sys.executable, "-m", "bot", "serve"],
        }  # fmt: skip

    def start(self) -> None:
        try:
            self._start_all()
        except BaseException:
            self.stop()  # none left running when a later one could not start
            raise

    def _start_all(self) -> None:
        for name in self.commands():
            self.start_process(name)

    def start_process(self, name: str) -> None:
        """Start (or start again, after it died) one of the processes."""
        output = None
        if self.log_dir is not None:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            output = (self.log_dir / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(
            self.commands()[name],
            cwd=PROJECT_ROOT,
            env=self._env(),
            stdout=output,
            stderr=subprocess.STDOUT if output else None,
            start_new_session=True,
        )
        if output is not None:
            output.close()  # the child has its own descriptor
        logger.info("started %s (pid %s)", name, self.processes[name].pid)

    def kill(self, name: str) -> None:
        """Kill one process and its children at once (SIGKILL), as a crash would."""
        proc = self.processes[name]
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()

    def exited(self) -> dict[str, int]:
        """Return the processes that have stopped, with their exit codes."""
        return {
            name: code for name, proc in self.processes.items() if (code := proc.poll()) is not None
        }

    def wait_healthy(self, timeout_seconds: float = 240.0) -> bool:
        """Wait until the gateway's /healthz says every part is up (or a process dies)."""
        deadline = time.monotonic() + timeout_seconds
        url = f"{self.settings.gateway_url}/healthz"
        while time.monotonic() < deadline:
            if self.exited():
                return False
            try:
                with urllib.request.urlopen(url, timeout=3) as response:  # noqa: S310 - local
                    if response.status == 200:
                        return True
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(1.0)
        return False

    def stop(self, grace_seconds: float = 15.0) -> None:
        """Ask every process to stop (SIGTERM to its group), then kill what is left."""
        for proc in self.processes.values():
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + grace_seconds
        for proc in self.processes.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait()


def run_stack(settings: Settings) -> int:
    """Run the whole product in the foreground until Ctrl-C or a process dies."""
    models = PROJECT_ROOT / "models"
    if not any(models.glob("*.tar.gz")):
        print("No trained model in models/. Run `make run` (it trains) or `make train`.")
        return 1
    stack = Stack(settings=settings)
    stopping = False

    def _stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    stack.start()
    print("Starting Rasa, the action server and the gateway (Rasa needs about a minute)...")
    try:
        healthy = False
        while not stopping:
            if not healthy and stack.wait_healthy(timeout_seconds=1.5):
                healthy = True
                print(f"\nReady: open {settings.gateway_url}/ for the web chat. Ctrl-C stops.\n")
            if dead := stack.exited():
                print(f"Stopping: a process exited unexpectedly: {dead}")
                return 1
            time.sleep(0.5)
        print("\nStopping...")
        return 0
    finally:
        stack.stop()
        print("Stopped.")
