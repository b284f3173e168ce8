"""Replies as Telegram HTML: escaping, *bold*/_italic_, parts of at most 4096 characters."""

from __future__ import annotations

import pytest

from bot.channels.telegram_format import (
    message_parts,
    parse_callback_data,
    plain_text,
    split_text,
    telegram_length,
    to_html,
)
from bot.inbox.messages import Button, Reply


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
