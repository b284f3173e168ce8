"""The product as a citizen meets it: web chat API → gateway → Rasa → actions → database."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import aiohttp
import pytest

from bot import PROJECT_ROOT
from bot.db.engine import make_engine, make_session_factory
from bot.schedule import queries
from bot.schedule.dates import format_datetime_id

pytestmark = pytest.mark.stack


async def ask(stack, text: str, conversation: str = "") -> list[dict]:
    """Send one message through the web chat API and return the replies."""
    return await stack.send({"text": text}, conversation)


async def send_to_rasa(stack, message: str, sender: str) -> list[dict]:
    """Send a message straight to Rasa's gateway channel, as the gateway does (with its token)."""
    async with aiohttp.ClientSession() as client:
        url = f"{stack.settings.rasa_url}/webhooks/gateway/webhook"
        body = {"sender": sender, "message": message, "message_id": uuid.uuid4().hex}
        headers = {"Authorization": f"Bearer {stack.settings.rasa_token}"}
        async with client.post(url, json=body, headers=headers) as response:
            assert response.status == 200, await response.text()
            return list(await response.json())


def joined(replies: list[dict]) -> str:
    return "\n".join(reply.get("text") or "" for reply in replies)


def next_release(stack, office_key: str | None = None):
    engine = make_engine(stack.settings.database_url)
    with make_session_factory(engine).begin() as session:
        releases = queries.upcoming_releases(
            session=session, now=datetime.now(timezone.utc), office_key=office_key, limit=1
        )
    engine.dispose()
    return releases[0]


async def test_health_is_ok_when_everything_runs(stack):
    async with aiohttp.ClientSession() as client:
        async with client.get(f"{stack.settings.gateway_url}/healthz") as response:
            assert response.status == 200
            assert (await response.json())["components"] == {
                "database": "up",
                "rasa": "up",
                "action_server": "up",
            }


async def test_quota_question_gets_the_next_release_from_the_database(stack):
    release = next_release(stack)
    text = joined(await ask(stack, "kapan kuota paspor dibuka?"))
    assert format_datetime_id(release.opens_at) in text, text


async def test_office_hours_of_pontianak(stack):
    text = joined(await ask(stack, "kantor imigrasi pontianak buka jam berapa"))
    assert "08.00" in text and "16.00" in text, text


async def test_saturday_is_closed(stack):
    text = joined(await ask(stack, "sabtu buka ga")).lower()
    assert "tutup" in text or "libur" in text, text


async def test_driving_licence_is_referred_to_the_police(stack):
    text = joined(await ask(stack, "bikin SIM dimana"))
    assert "Polri" in text or "Satpas" in text, text


async def test_imported_release_is_offered_without_a_restart(stack, tmp_path):
    opens_at = (datetime.now(timezone.utc) + timedelta(hours=3)).replace(
        minute=0, second=0, microsecond=0
    )
    assert opens_at < next_release(stack, "singkawang").opens_at
    local = opens_at.astimezone(ZoneInfo("Asia/Jakarta"))  # the office's time zone
    csv_file = tmp_path / "kuota.csv"
    csv_file.write_text(
        "type,office,date,time,service,slots,channel,note\n"
        f"quota,skw,{local:%Y-%m-%d},{local:%H:%M},,25,M-Paspor,Kuota tambahan\n",
        encoding="utf-8",
    )
    env = {**os.environ, "DATABASE_URL": stack.settings.database_url}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "schedule", "import", str(csv_file),
        cwd=PROJECT_ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode == 0, output.decode()
    text = joined(await ask(stack, "kuota singkawang kapan dibuka min"))
    assert format_datetime_id(opens_at) in text, text


async def test_rasa_refuses_messages_without_the_gateway_token(stack):
    async with aiohttp.ClientSession() as client:
        url = f"{stack.settings.rasa_url}/webhooks/gateway/webhook"
        body = {"sender": "x", "message": "halo", "message_id": "m1"}
        async with client.post(url, json=body) as response:
            assert response.status == 401
        headers = {"Authorization": "Bearer wrong"}
        async with client.post(url, json=body, headers=headers) as response:
            assert response.status == 401


async def test_two_fallbacks_in_a_row_end_with_a_person_on_offer(stack):
    # The second stage relies on Rasa passing the first reply's response name to the action
    # server (BotUttered metadata): only the real stack shows that it does. The fallback intent
    # is sent to Rasa as a payload (citizens cannot: the gateway accepts only offered buttons)
    # so that the test does not depend on what the model makes of a text.
    sender = f"t-{uuid.uuid4().hex[:12]}"
    first = await send_to_rasa(stack, "/nlu_fallback", sender)
    second = await send_to_rasa(stack, "/nlu_fallback", sender)
    assert "tulis ulang" in joined(first), first
    assert "belum punya jawaban" in joined(second), second
    assert [b["payload"] for b in second[-1]["buttons"]] == ["/request_human", "/complaint"]
