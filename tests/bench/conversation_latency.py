"""Benchmark: per-message latency of one citizen's conversation through the web chat API.

Run with `make bench`. Starts the real stack on free ports with a fresh seeded database,
plays the same multi-turn conversation several times (one citizen at a time), prints the
latencies and the resident memory of each process, and appends the results to
docs/benchmarks.md. Timing is measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import subprocess
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import aiohttp

from bot import PROJECT_ROOT
from tests.helpers.stack import RunningStack, latest_model, start_stack

CONVERSATION = (
    "halo min",
    "kapan kuota paspor dibuka?",
    "kalo singkawang?",
    "kantor imigrasi pontianak buka jam berapa",
    "sabtu buka ga",
    "brp biaya e-paspor 10 thn",
    "syarat bikin paspor anak apa aja",
    "paspor sy ilang gmn",
    "alamat mpp dimana",
    "makasih kak",
)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def _group(pid: int) -> list[int]:
    """The process and every process of its group (Sanic workers, subprocesses)."""
    members = subprocess.run(
        ["pgrep", "-g", str(os.getpgid(pid))], capture_output=True, text=True, check=False
    )
    return [int(p) for p in members.stdout.split()] or [pid]


def _sum_field(pids: list[int], path: str, field: str) -> float:
    total = 0
    for member in pids:
        try:
            text = Path(f"/proc/{member}/{path}").read_text()
        except OSError:
            continue
        for line in text.splitlines():
            if line.startswith(field):
                total += int(line.split()[1])
    return total / 1024


def rss_mib(pid: int) -> float:
    """Resident memory of a process and its group (MiB); shared pages count once per process."""
    return _sum_field(_group(pid), "status", "VmRSS:")


def pss_mib(pid: int) -> float:
    """Proportional set size of a process and its group (MiB): shared pages split between them,
    so the sum over processes is the memory they really use together."""
    return _sum_field(_group(pid), "smaps_rollup", "Pss:")


def measure_memory(stack: RunningStack) -> dict[str, tuple[float, float]]:
    """RSS and PSS (MiB) of each of the stack's processes, with their workers."""
    return {
        name: (rss_mib(proc.pid), pss_mib(proc.pid))
        for name, proc in stack.processes.processes.items()
    }


def memory_text(memory: dict[str, tuple[float, float]]) -> str:
    """One line: per process RSS / PSS, and the totals (PSS is what the processes really use)."""
    parts = ", ".join(f"{name} {rss:.0f} / {pss:.0f} MiB" for name, (rss, pss) in memory.items())
    total_rss = sum(rss for rss, _ in memory.values())
    total_pss = sum(pss for _, pss in memory.values())
    return (
        f"memory (RSS / PSS): {parts}; total RSS {total_rss:.0f} MiB, "
        f"total PSS {total_pss:.0f} MiB ({total_pss / 1024:.2f} GiB)"
    )


_TOKENS: dict[str, str] = {}


async def bearer(client: aiohttp.ClientSession, api_url: str, citizen: str) -> dict[str, str]:
    """Return the Authorization header of a citizen's conversation, opening it on first use."""
    if citizen not in _TOKENS:
        base = api_url.rsplit("/api/", 1)[0]
        async with client.post(f"{base}/api/conversations") as response:
            if response.status != 201:
                raise RuntimeError(f"opening a conversation: HTTP {response.status}")
            _TOKENS[citizen] = (await response.json())["token"]
    return {"Authorization": f"Bearer {_TOKENS[citizen]}"}


async def play(stack: RunningStack, rounds: int) -> dict[str, list[float]]:
    url = f"{stack.settings.gateway_url}/api/messages"
    timings: dict[str, list[float]] = {text: [] for text in CONVERSATION}
    async with aiohttp.ClientSession() as client:
        for warm in ("halo", "kuota kapan", "jam buka"):
            headers = await bearer(client, url, "warm-up")
            async with client.post(url, json={"text": warm}, headers=headers) as response:
                await response.read()
        for _ in range(rounds):
            sender = f"bench-{uuid.uuid4().hex[:12]}"
            headers = await bearer(client, url, sender)
            for text in CONVERSATION:
                started = time.perf_counter()
                async with client.post(url, json={"text": text}, headers=headers) as response:
                    body = await response.json()
                    if response.status != 200 or not body.get("replies"):
                        raise RuntimeError(f"{text!r}: HTTP {response.status} {body}")
                timings[text].append((time.perf_counter() - started) * 1000)
    return timings


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory_kib = int(Path("/proc/meminfo").read_text().split()[1])
    memory_gib = memory_kib / 1024 / 1024
    return f"{os.cpu_count()} cores ({cpu}), {memory_gib:.0f} GiB, {platform.system()}"


def report(
    timings: dict[str, list[float]], memory: dict[str, tuple[float, float]], rounds: int
) -> str:
    everything = [ms for values in timings.values() for ms in values]
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=PROJECT_ROOT
    ).stdout.strip()
    lines = [
        f"## One conversation, sequential — {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC",
        "",
        f"- machine: {machine()}; commit {commit or 'unknown'}",
        "- configuration: SQLite file, in-memory lock store, 1 Sanic worker per process, "
        f"pipeline from config.yml; {rounds} rounds of a {len(CONVERSATION)}-message conversation",
        f"- all messages: p50 {percentile(everything, 0.5):.0f} ms, p95 "
        f"{percentile(everything, 0.95):.0f} ms, p99 {percentile(everything, 0.99):.0f} ms, "
        f"mean {statistics.mean(everything):.0f} ms ({len(everything)} messages)",
        f"- {memory_text(memory)}",
        "",
        "| message | p50 ms | p95 ms | max ms |",
        "|---|---:|---:|---:|",
    ]
    for text, values in timings.items():
        lines.append(
            f"| {text} | {percentile(values, 0.5):.0f} | {percentile(values, 0.95):.0f} "
            f"| {max(values):.0f} |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    model = latest_model()
    if model is None:
        print("No trained model in models/: run `make train`.")
        return 1
    with tempfile.TemporaryDirectory() as workdir:
        stack = start_stack(Path(workdir), model)
        try:
            if not stack.processes.wait_healthy(timeout_seconds=300):
                print(stack.logs())
                return 1
            timings = asyncio.run(play(stack, args.rounds))
            memory = measure_memory(stack)
        finally:
            stack.processes.stop()
    text = report(timings, memory, args.rounds)
    print(text)
    if not args.no_write:
        target = PROJECT_ROOT / "docs" / "benchmarks.md"
        if not target.exists():
            target.write_text("# Benchmarks\n\nAppended by `make bench`; newest last.\n\n")
        with target.open("a") as handle:
            handle.write("\n" + text)
        print(f"Appended to {target.relative_to(PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
