"""Polling mode: the gateway long-polls the fake getUpdates instead of serving a webhook."""

from __future__ import annotations

import pytest

from bot.channels.telegram_webhook import WEBHOOK_PATH
from tests.channels.conftest import HEADERS
from tests.helpers import telegram_updates as tg

pytestmark = pytest.mark.timeout(60)


async def test_polling_mode_answers_updates(polling_gateway, fake_telegram, fake_rasa):
    fake_telegram.push_update(tg.text(30, "kapan kuota dibuka?"))
    await fake_telegram.wait_for("sendMessage", 2)
    assert fake_telegram.sent_texts()[0] == "jawaban untuk: kapan kuota dibuka?"
    fake_telegram.push_update(tg.text(31, "terima kasih"))
    await fake_telegram.wait_for("sendMessage", 4)
    assert [item["message"] for item in fake_rasa.received] == [
        "kapan kuota dibuka?",
        "terima kasih",
    ]
    polls = fake_telegram.calls_of("getUpdates")
    assert polls[0]["allowed_updates"] == ["message", "callback_query"]
    await fake_telegram.wait_for("getUpdates", len(polls) + 1)
    assert fake_telegram.calls_of("getUpdates")[-1]["offset"] == "32"  # acknowledged


async def test_polling_mode_has_no_webhook_route(polling_gateway):
    response = await polling_gateway.post(WEBHOOK_PATH, json=tg.text(1, "halo"), headers=HEADERS)
    assert response.status == 404


async def test_a_webhook_still_set_is_reported_and_retried(polling_gateway, fake_telegram):
    fake_telegram.fail_next(
        "getUpdates", 409, "Conflict: can't use getUpdates while webhook is active"
    )
    calls = len(fake_telegram.calls_of("getUpdates"))
    await fake_telegram.wait_for("getUpdates", calls + 2)
