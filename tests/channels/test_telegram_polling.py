"""Polling mode: the gateway long-polls the fake getUpdates instead of serving a webhook."""

from __future__ import annotations

import pytest

from bot.channels.telegram.outbound import ALLOWED_UPDATES
from bot.inbox.models import InboundMessage
from tests.channels.conftest import count
from tests.helpers import telegram_updates as tg

pytestmark = pytest.mark.timeout(60)

ANSWER = "jawaban untuk: {}\n\nAda lagi?"


async def test_polling_mode_answers_updates_and_confirms_them(
    polling_gateway, fake_telegram, fake_rasa
):
    fake_telegram.push_update(tg.text(30, "kapan kuota dibuka?"))
    await fake_telegram.wait_for("sendMessage")
    fake_telegram.push_update(tg.text(31, "terima kasih"))
    await fake_telegram.wait_for("sendMessage", 2)
    assert fake_rasa.processed() == ["kapan kuota dibuka?", "terima kasih"]
    assert fake_telegram.sent_texts() == [
        ANSWER.format("kapan kuota dibuka?"),
        ANSWER.format("terima kasih"),
    ]
    polls = fake_telegram.calls_of("getUpdates")
    assert polls[0]["allowed_updates"] == ALLOWED_UPDATES == ["message", "callback_query"]
    await fake_telegram.wait_for("getUpdates", len(polls) + 1)
    assert fake_telegram.calls_of("getUpdates")[-1]["offset"] == "32"  # both confirmed


async def test_polling_mode_has_no_webhook_route(polling_gateway):
    response = await polling_gateway.post(tg.text(1, "halo"))
    assert response.status == 404


async def test_unusable_updates_are_confirmed_not_fetched_forever(
    polling_gateway, fake_telegram, fake_rasa, session_factory
):
    for update in (tg.edited(40, "diubah"), tg.inline_query(41), {"update_id": 42, "foo": {}}):
        fake_telegram.push_update(update)
    fake_telegram.push_update(tg.text(43, "halo"))
    await fake_telegram.wait_for("sendMessage")
    assert fake_rasa.processed() == ["halo"]
    assert count(session_factory, InboundMessage.id) == 1
    polls = len(fake_telegram.calls_of("getUpdates"))
    await fake_telegram.wait_for("getUpdates", polls + 1)
    assert fake_telegram.calls_of("getUpdates")[-1]["offset"] == "44"


async def test_a_webhook_still_set_is_reported_and_polling_resumes_when_deleted(
    polling_gateway, fake_telegram, fake_rasa, caplog
):
    fake_telegram.webhook = {"url": "https://paspor.example.go.id/telegram/webhook"}
    calls = len(fake_telegram.calls_of("getUpdates"))
    await fake_telegram.wait_for("getUpdates", calls + 2)  # refused with 409, tried again
    assert any("delete-webhook" in record.getMessage() for record in caplog.records)
    fake_telegram.webhook = {}
    fake_telegram.push_update(tg.text(60, "halo"))
    await fake_telegram.wait_for("sendMessage")
    assert fake_rasa.processed() == ["halo"]


async def test_flood_control_on_get_updates_is_waited_out(polling_gateway, fake_telegram):
    fake_telegram.fail_next("getUpdates", 429, "Too Many Requests: retry after 1", retry_after=1)
    fake_telegram.push_update(tg.text(70, "halo"))
    await fake_telegram.wait_for("sendMessage")
