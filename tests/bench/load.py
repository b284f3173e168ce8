"""Benchmark scenarios through the web chat API: one conversation, concurrent citizens, a burst.

Run with `make bench` (all scenarios) or `python -m tests.bench.load --scenario NAME`.
Starts the real stack on free loopback ports with a fresh seeded database, prints throughput,
latency percentiles and the memory of each process, and appends the results with the machine
description to docs/benchmarks.md. Every request loop is bounded in count and time.

Setups (`--setup`): `embedded` is what `make run` starts (SQLite files, in-memory lock store,
one Rasa process); `scaled` is the production layout on one machine (PostgreSQL for the
database and the tracker store, Redis lock store, `--rasa-workers` Sanic workers for Rasa).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import socket
import statistics
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import aiohttp

from bot import PROJECT_ROOT
from tests.bench.conversation_latency import (
    CONVERSATION,
    bearer,
    machine,
    measure_memory,
    memory_text,
    percentile,
)
from tests.helpers.postgres import postgres_unavailable_reason, scratch_database
from tests.helpers.stack import RunningStack, latest_model, start_stack

QUOTA_QUESTIONS = (
    "kapan kuota paspor dibuka?",
    "min kpn kuota mpaspor buka lg?",
    "kuota pontianak minggu depan ada?",
    "kuota singkawang kapan dibuka",
    "jam brp kuota dibuka jumat ini",
)
TIME_LIMIT_SECONDS = 300


@dataclass
class Result:
    name: str
    description: str
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    wall_seconds: float = 0.0

    def summary(self) -> dict[str, float]:
        values = self.latencies_ms or [0.0]
        return {
            "messages": len(self.latencies_ms),
            "errors": self.errors,
            "throughput": len(self.latencies_ms) / self.wall_seconds if self.wall_seconds else 0,
            "p50": percentile(values, 0.5),
            "p95": percentile(values, 0.95),
            "p99": percentile(values, 0.99),
            "mean": statistics.mean(values),
        }


async def _send(
    client: aiohttp.ClientSession,
    url: str,
    sender: str,
    text: str,
    result: Result,
    due: float | None = None,
):
    """Send one message; its latency counts from `due` (when it should have gone) if given.

    A new citizen's conversation is opened first (as the web chat page does when it loads);
    with `due`, that time counts too.
    """
    try:
        headers = await bearer(client, url, sender)
    except (aiohttp.ClientError, asyncio.TimeoutError, RuntimeError):
        result.errors += 1
        return
    started = time.perf_counter() if due is None else due
    try:
        async with client.post(url, json={"text": text}, headers=headers) as response:
            body = await response.json()
            ok = response.status == 200 and bool(body.get("replies"))
    except (aiohttp.ClientError, asyncio.TimeoutError):
        ok = False
    if ok:
        result.latencies_ms.append((time.perf_counter() - started) * 1000)
    else:
        result.errors += 1


async def sequential(stack: RunningStack, rounds: int = 10) -> Result:
    """One citizen at a time, the 10-message conversation, `rounds` times."""
    result = Result("sequential", f"1 citizen at a time, {rounds} × {len(CONVERSATION)} messages")
    url = f"{stack.settings.gateway_url}/api/messages"
    async with aiohttp.ClientSession() as client:
        started = time.perf_counter()
        for _ in range(rounds):
            sender = f"seq-{uuid.uuid4().hex[:10]}"
            for text in CONVERSATION:
                await _send(client, url, sender, text, result)
        result.wall_seconds = time.perf_counter() - started
    return result


async def concurrent(stack: RunningStack, citizens: int = 20, rounds: int = 3) -> Result:
    """`citizens` conversations at once, each playing the conversation `rounds` times with no
    pause between a reply and the next message: the most the stack can do (saturation)."""
    result = Result(
        "concurrent",
        f"{citizens} concurrent citizens, no pause, each {rounds} × {len(CONVERSATION)} messages",
    )
    url = f"{stack.settings.gateway_url}/api/messages"
    connector = aiohttp.TCPConnector(limit=citizens)
    async with aiohttp.ClientSession(connector=connector) as client:

        async def citizen(number: int) -> None:
            sender = f"con-{number}-{uuid.uuid4().hex[:8]}"
            for _ in range(rounds):
                for text in CONVERSATION:
                    await _send(client, url, sender, text, result)

        started = time.perf_counter()
        await asyncio.wait_for(
            asyncio.gather(*(citizen(n) for n in range(citizens))), TIME_LIMIT_SECONDS
        )
        result.wall_seconds = time.perf_counter() - started
    return result


async def paced(
    stack: RunningStack, citizens: int = 20, rate: float = 30.0, seconds: float = 60.0
) -> Result:
    """`citizens` conversations together offering `rate` messages/s for `seconds`.

    Each of the `citizens` slots sends its next message every `citizens / rate` seconds, or as
    soon as its previous reply arrives if that is later (a conversation never runs ahead of its
    replies), so a stack that cannot keep up shows a lower throughput and longer latencies.
    After the 10-message conversation a new citizen (sender) takes the slot: conversations stay
    as long as real ones instead of growing to hundreds of turns.
    """
    interval = citizens / rate
    result = Result(
        "paced",
        f"{citizens} concurrent citizens offering {rate:.0f} msg/s for {seconds:.0f} s "
        f"(one message per citizen every {interval:.2f} s; a new citizen after "
        f"{len(CONVERSATION)} messages)",
    )
    url = f"{stack.settings.gateway_url}/api/messages"
    connector = aiohttp.TCPConnector(limit=citizens)
    async with aiohttp.ClientSession(connector=connector) as client:
        started = time.perf_counter()

        async def citizen(number: int) -> None:
            due = started + number * interval / citizens  # staggered starts
            turn, sender = 0, ""
            while due < started + seconds:
                if turn % len(CONVERSATION) == 0:
                    sender = f"paced-{number}-{uuid.uuid4().hex[:8]}"
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
                # Latency from when the message was due: a stack that falls behind is not
                # flattered by messages sent late.
                text = CONVERSATION[turn % len(CONVERSATION)]
                await _send(client, url, sender, text, result, due=due)
                turn += 1
                due += interval

        await asyncio.wait_for(
            asyncio.gather(*(citizen(n) for n in range(citizens))), seconds + TIME_LIMIT_SECONDS
        )
        result.wall_seconds = time.perf_counter() - started
    return result


async def burst(stack: RunningStack, citizens: int = 500, window_seconds: float = 60.0) -> Result:
    """A quota opening: `citizens` arrive spread over the window, each asking about quota."""
    result = Result(
        "burst", f"quota opening: {citizens} citizens arriving within {window_seconds:.0f} s"
    )
    url = f"{stack.settings.gateway_url}/api/messages"
    rng = random.Random(7)
    arrivals = sorted(rng.uniform(0, window_seconds) for _ in range(citizens))
    connector = aiohttp.TCPConnector(limit=200)
    async with aiohttp.ClientSession(connector=connector) as client:
        started = time.perf_counter()

        async def citizen(number: int, delay: float) -> None:
            await asyncio.sleep(delay)
            sender = f"burst-{number}-{uuid.uuid4().hex[:8]}"
            await _send(client, url, sender, rng.choice(QUOTA_QUESTIONS), result)
            if number % 2 == 0:  # half of them ask a follow-up
                await _send(client, url, sender, "kalo singkawang?", result)

        await asyncio.wait_for(
            asyncio.gather(*(citizen(n, d) for n, d in enumerate(arrivals))),
            window_seconds + TIME_LIMIT_SECONDS,
        )
        result.wall_seconds = time.perf_counter() - started
    return result


SCENARIOS = {
    "sequential": sequential,
    "paced": paced,
    "concurrent": concurrent,
    "burst": burst,
}


def report(results: list[Result], memory: dict[str, tuple[float, float]], config: str) -> str:
    lines = [
        f"## Load scenarios — {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC",
        "",
        f"- machine: {machine()}",
        f"- configuration: {config}",
        f"- {memory_text(memory)}, after the run",
        "",
        "| scenario | messages | errors | msg/s | p50 ms | p95 ms | p99 ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        s = result.summary()
        lines.append(
            f"| {result.description} | {s['messages']:.0f} | {s['errors']:.0f} "
            f"| {s['throughput']:.1f} | {s['p50']:.0f} | {s['p95']:.0f} | {s['p99']:.0f} |"
        )
    return "\n".join(lines) + "\n"


async def run_scenarios(stack: RunningStack, names: list[str]) -> list[Result]:
    results = []
    async with aiohttp.ClientSession() as client:  # warm up the model and the caches
        for text in ("halo", "kuota kapan", "jam buka"):
            await _send(client, f"{stack.settings.gateway_url}/api/messages", "warm", text,
                        Result("warm", ""))  # fmt: skip
    for name in names:
        results.append(await SCENARIOS[name](stack))
        print(report(results[-1:], {}, "").splitlines()[-1])
    return results


def redis_reason(host: str = "127.0.0.1", port: int = 6379) -> str | None:
    """Return None when Redis answers PING, else why not."""
    try:
        with socket.create_connection((host, port), timeout=3) as sock:
            sock.sendall(b"PING\r\n")
            if sock.recv(16).startswith(b"+PONG"):
                return None
            return f"Redis at {host}:{port} did not answer PING"
    except OSError as exc:
        return f"Redis not reachable at {host}:{port}: {exc.__class__.__name__}"


def run(model: Path, names: list[str], setup: str, rasa_workers: int) -> tuple[str, int]:
    """Start the stack in `setup`, play the scenarios; return the report and an exit code."""
    config = f"model {model.name}, pipeline from config.yml; bot/rasa_server.py speed-ups; " + (
        "SQLite files, in-memory lock store, 1 Rasa process (what `make run` starts)"
        if setup == "embedded"
        else f"PostgreSQL (database and tracker store), Redis lock store, "
        f"{rasa_workers} Sanic workers for Rasa"
    )
    with contextlib.ExitStack() as cleanup:
        workdir = Path(cleanup.enter_context(tempfile.TemporaryDirectory()))
        options: dict = {}
        if setup == "scaled":
            options = {
                "database_url": cleanup.enter_context(scratch_database("bot_bench")),
                "tracker_url": cleanup.enter_context(scratch_database("bot_bench_tracker")),
                "extra_env": {
                    "LOCK_STORE_TYPE": "redis",
                    "LOCK_STORE_DB": "1",
                    "SANIC_WORKERS": str(rasa_workers),
                },
            }
        stack = start_stack(workdir, model, **options)
        try:
            if not stack.processes.wait_healthy(timeout_seconds=300):
                return stack.logs(), 1
            results = asyncio.run(run_scenarios(stack, names))
            memory = measure_memory(stack)
        finally:
            stack.processes.stop()
    return report(results, memory, config), 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scenario", choices=[*SCENARIOS, "all"], default="all")
    parser.add_argument("--setup", choices=["embedded", "scaled"], default="embedded")
    parser.add_argument("--rasa-workers", type=int, default=2, help="Sanic workers (scaled)")
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument(
        "--if-available",
        action="store_true",
        help="scaled: skip (exit 0) when PostgreSQL or Redis is not reachable",
    )
    args = parser.parse_args()
    model = latest_model()
    if model is None:
        print("No trained model in models/: run `make train`.")
        return 1
    if args.setup == "scaled" and (reason := postgres_unavailable_reason() or redis_reason()):
        print(f"The scaled setup needs PostgreSQL and Redis: {reason}")
        return 0 if args.if_available else 1
    names = list(SCENARIOS) if args.scenario == "all" else [args.scenario]
    text, code = run(model, names, args.setup, args.rasa_workers)
    print(text)
    if code == 0 and not args.no_write:
        target = PROJECT_ROOT / "docs" / "benchmarks.md"
        with target.open("a") as handle:
            handle.write("\n" + text)
        print(f"Appended to {target.relative_to(PROJECT_ROOT)}")
    return code


if __name__ == "__main__":
    raise SystemExit(main())
