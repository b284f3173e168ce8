"""Logs never show a Telegram chat id or the bot token."""

from __future__ import annotations

import logging

import pytest

from bot.logging_setup import mask_personal_data
from tests.channels.conftest import BOT_TOKEN
from tests.helpers import telegram_updates as tg


def test_a_bot_token_inside_a_request_url_is_masked():
    url = f"POST https://api.telegram.org/bot{BOT_TOKEN}/sendMessage"
    masked = mask_personal_data(url)
    assert BOT_TOKEN.split(":")[1] not in masked
    assert masked == "POST https://api.telegram.org/bot123456789:***/sendMessage"


@pytest.mark.timeout(60)
async def test_logs_mask_the_chat_id(gateway, fake_telegram, fake_rasa, caplog):
    caplog.set_level(logging.DEBUG, logger="bot")
    await gateway.post(tg.text(1, "halo"))
    await gateway.post(tg.text(1, "halo"))  # a duplicate is logged too
    await gateway.post(tg.callback(2, "b:999999:0"))  # a press on nothing of ours
    fake_telegram.blocked.add(tg.CHAT_ID)
    await fake_telegram.wait_for("sendMessage")
    messages = [record.getMessage() for record in caplog.records if record.name.startswith("bot")]
    assert any("telegram update 1 from 11***11" in message for message in messages)
    assert any("duplicate telegram message 1 from 11***11" in message for message in messages)
    assert not any(str(tg.CHAT_ID) in message for message in messages)
    assert not any(BOT_TOKEN in message for message in messages)
