"""Channel-neutral shapes: typed text as language understanding sees it, packed turns, payloads."""

from __future__ import annotations

import pytest

from bot.inbox.messages import Button, Reply, clean_text, pack_replies
from bot.inbox.payloads import PayloadRefused, check_sound


@pytest.mark.parametrize(
    ("typed", "seen"),
    [
        ("/restart", "restart"),
        ("//back", "back"),
        ('/ask_quota{"office":"pontianak"}', 'ask_quota{"office":"pontianak"}'),
        ("  halo  ", "halo"),
        ("ha\x00lo", "halo"),
        ("\ud800 halo", "\ufffd halo"),
        ("baris satu\nbaris dua\r", "baris satu\nbaris dua"),
        ("/", ""),
        ("/ /restart", "restart"),
        ("/\t/restart", "restart"),
        (" \u00a0/ \n //inform{}", "inform{}"),
        ("halo /restart", "halo /restart"),
    ],
)
def test_typed_text_is_never_a_command(typed, seen):
    assert clean_text(typed) == seen


def test_a_turns_texts_share_messages_up_to_the_limit_buttons_stay_last():
    replies = [
        Reply(text="a" * 10),
        Reply(text="b" * 10),
        Reply(text="c", buttons=(Button("x", "/y"),)),
    ]
    packed = pack_replies(replies, max_chars=100)
    assert packed == [Reply(text=f"{'a' * 10}\n\n{'b' * 10}\n\nc", buttons=(Button("x", "/y"),))]
    assert len(pack_replies(replies, max_chars=12)) == 3
    with_buttons_first = [Reply(text="q", buttons=(Button("x", "/y"),)), Reply(text="r")]
    assert pack_replies(with_buttons_first, max_chars=100) == with_buttons_first
    image = [Reply(text="a"), Reply(image="https://x/y.png"), Reply(text="b")]
    assert pack_replies(image, max_chars=100) == image


@pytest.mark.parametrize(
    "payload",
    [
        "/ask_quota",
        '/ask_office_hours{"office": "singkawang"}',
        '/ask_faq{"faq_key": "pembayaran"}',
        '/ask_quota{"date": "besok"}',
        "!language en",
    ],
)
def test_sound_payloads(payload):
    check_sound(payload)


@pytest.mark.parametrize(
    "payload",
    [
        "/restart",
        "/back",
        "/session_start",
        '/ask_quota{"office": "atlantis"}',
        '/ask_quota{"service": "visa-on-arrival"}',
        '/ask_quota{"date": "kapan-kapan lah"}',
        '/ask_quota{"office": 5}',
        "/ask_quota{not json}",
        '/ask_quota["x"]',
        "ask_quota",
        "/" + "a" * 600,
    ],
)
def test_unsound_payloads_are_refused(payload):
    with pytest.raises(PayloadRefused):
        check_sound(payload)
