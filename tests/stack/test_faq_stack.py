"""Staff import an FAQ list; citizens get the new answer within seconds, with no restart."""

from __future__ import annotations

import asyncio
import csv
import os
import sys
import time

import pytest

from bot import PROJECT_ROOT

pytestmark = pytest.mark.stack

WIFI_ANSWER = (
    "Ada, Kak. Ruang tunggu kami menyediakan *wifi gratis* bernama Imigrasi-Tamu; "
    "kata sandinya tertera di papan informasi dekat loket antrean."
)


def write_faq_csv(path) -> None:
    """45 rows: 44 filler entries on other topics and one about wifi in the waiting room."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["key", "question", "answer", "category", "examples", "status"])
        for number in range(44):
            writer.writerow(
                [
                    f"uji-layanan-{number}",
                    f"Apakah layanan khusus nomor {number} tersedia di loket {number}?",
                    f"Layanan khusus nomor {number} tersedia di loket {number} pada jam kerja.",
                    "uji",
                    "",
                    "published",
                ]
            )
        writer.writerow(
            [
                "wifi-ruang-tunggu",
                "Apakah tersedia wifi gratis di ruang tunggu?",
                WIFI_ANSWER,
                "fasilitas",
                "ada internet gratis di kantor? | password wifi apa",
                "published",
            ]
        )


async def ask(stack, text: str) -> str:
    replies = await stack.send({"text": text})
    return "\n".join(r.get("text") or "" for r in replies)


async def test_imported_faq_answers_a_paraphrase_within_seconds(stack, tmp_path):
    csv_file = tmp_path / "faq.csv"
    write_faq_csv(csv_file)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "faq", "import", str(csv_file),
        cwd=PROJECT_ROOT, env={**os.environ, "DATABASE_URL": stack.settings.database_url},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode == 0, output.decode()
    imported_at = time.monotonic()
    answer = ""
    # Action servers re-check the knowledge-base revision every 2 s (tests/knowledge covers that
    # deterministically); the generous bound here only keeps a loaded machine from failing it.
    while time.monotonic() - imported_at < 15:
        answer = await ask(stack, "min di ruang tunggu ada wifi gratis gak?")
        if "Imigrasi-Tamu" in answer:
            break
        await asyncio.sleep(0.5)
    assert "Imigrasi-Tamu" in answer, answer
