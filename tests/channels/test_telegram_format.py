"""Replies as Telegram HTML: escaping, *bold*/_italic_, parts of at most 4096 characters."""

from __future__ import annotations

import pytest

from bot.channels.telegram.format import (
    LIMITS,
    button_callback_data,
    message_parts,
    parse_callback_data,
    plain_text,
    reply_keyboard,
    split_text,
    telegram_length,
    to_html,
)
from bot.inbox.messages import Button, Reply, pack_replies
from tests.helpers.fake_telegram import parse_html


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Biaya <b>Rp 350.000</b> & PNBP", "Biaya &lt;b&gt;Rp 350.000&lt;/b&gt; &amp; PNBP"),
        ("*Senin–Jumat* 08.00 _kecuali libur_", "<b>Senin–Jumat</b> 08.00 <i>kecuali libur</i>"),
        ("*<script>*", "<b>&lt;script&gt;</b>"),
        ("2*3*4 and snake_case_name", "2*3*4 and snake_case_name"),
        ("peta: https://maps.app/x_y_z_ ok", "peta: https://maps.app/x_y_z_ ok"),
        (
            "[M-Paspor](https://imigrasi.go.id/a_b?x=1&y=2)",
            '<a href="https://imigrasi.go.id/a_b?x=1&amp;y=2">M-Paspor</a>',
        ),
        ("~batal~ tetap", "<s>batal</s> tetap"),
        ("* bukan tebal *", "* bukan tebal *"),
    ],
)
def test_to_html_escapes_and_converts(text, expected):
    assert to_html(text) == expected
    parse_html(expected)  # and Telegram's HTML parser accepts it


def test_plain_text_drops_the_markup():
    assert plain_text("*Biaya* _paspor_ [peta](https://x.id)") == "Biaya paspor peta (https://x.id)"


def test_short_text_is_one_part():
    assert split_text("halo\n\ndunia") == ["halo\n\ndunia"]


def test_long_text_splits_at_paragraphs():
    paragraphs = ["a" * 2000, "b" * 2000, "c" * 2000]
    parts = split_text("\n\n".join(paragraphs))
    assert parts == ["a" * 2000 + "\n\n" + "b" * 2000, "c" * 2000]
    assert all(telegram_length(part) <= 4096 for part in parts)


def test_an_overlong_paragraph_splits_at_lines_then_spaces():
    paragraph = " ".join(["kata"] * 2000)  # 9999 characters, no blank line
    parts = split_text(paragraph)
    assert all(telegram_length(part) <= 4096 for part in parts)
    assert " ".join(parts).split() == paragraph.split()  # nothing lost, no word cut


def test_emoji_count_twice_like_telegram_counts():
    parts = split_text("😀" * 3000)
    assert all(telegram_length(part) <= 4096 for part in parts)
    assert "".join(parts) == "😀" * 3000


def test_image_is_sent_as_a_link_and_buttons_need_text():
    assert message_parts(Reply(text="Peta", image="https://x.id/p.png")) == [
        "Peta\n\nhttps://x.id/p.png"
    ]
    assert message_parts(Reply(buttons=(Button("Ya", "/affirm"),))) == ["…"]


@pytest.mark.parametrize(
    ("data", "parsed"),
    [
        ("b:17:0", (17, 0)),
        ("b:17", None),
        ("x:1:2", None),
        ("b:1:-1", None),
        ("", None),
        (None, None),
    ],
)
def test_callback_data(data, parsed):
    assert parse_callback_data(data) == parsed


def test_callback_data_is_ours_and_fits_telegrams_64_bytes():
    data = button_callback_data(2**63 - 1, LIMITS.max_buttons - 1)
    assert len(data.encode()) <= 64
    assert parse_callback_data(data) == (2**63 - 1, LIMITS.max_buttons - 1)
    assert parse_callback_data("b:1:" + "9" * 62) is None  # over 64 bytes: never ours
    assert parse_callback_data(f"b:{2**63}:0") is None  # no database id is that large
    assert parse_callback_data("b:\u0661:0") is None  # digits, but not ASCII ones


def test_the_keyboard_has_one_button_per_row_within_the_limits():
    buttons = tuple(Button(f"Pilihan {i}\n  baru", f"/p{i}") for i in range(25))
    rows = reply_keyboard(17, Reply(text="?", buttons=buttons)).inline_keyboard
    assert len(rows) == LIMITS.max_buttons and all(len(row) == 1 for row in rows)
    assert rows[0][0].text == "Pilihan 0 baru"
    assert [row[0].callback_data for row in rows[:2]] == ["b:17:0", "b:17:1"]
    assert reply_keyboard(17, Reply(text="tanpa tombol")) is None


def test_a_turn_packs_into_as_few_telegram_messages_as_fit():
    four = [Reply(text=t) for t in ("satu", "dua", "tiga")] + [
        Reply(text="empat", buttons=(Button("Ya", "/affirm"),))
    ]
    (packed,) = pack_replies(four, LIMITS.max_text_chars)
    assert packed.text == "satu\n\ndua\n\ntiga\n\nempat" and packed.buttons == four[-1].buttons
    long = [Reply(text=c * 3000) for c in "abcd"]
    assert pack_replies(long, LIMITS.max_text_chars) == long
