"""Long replies become several messages within a channel's limit, cut where a reader would."""

from __future__ import annotations

import pytest

from bot.inbox.messages import Button, Reply
from bot.inbox.splitting import fit_to_channel, split_replies, split_text
from tests.helpers.long_answers import official_answer, visible


def test_text_within_the_limit_is_kept_as_it_is() -> None:
    assert split_text("  Halo.\n\nAda lagi?  ", 100) == ["  Halo.\n\nAda lagi?  "]


def test_paragraphs_come_first_and_are_packed() -> None:
    paragraphs = ["A" * 30 + ".", "B" * 30 + ".", "C" * 30 + "."]
    assert split_text("\n\n".join(paragraphs), 70) == [
        f"{paragraphs[0]}\n\n{paragraphs[1]}",
        paragraphs[2],
    ]


def test_a_paragraph_too_long_for_one_message_is_cut_after_a_sentence() -> None:
    text = "Siapkan e-KTP dan KK. Isi formulir di M-Paspor. Datang tepat waktu ke kantor."
    assert split_text(text, 50) == [
        "Siapkan e-KTP dan KK. Isi formulir di M-Paspor.",
        "Datang tepat waktu ke kantor.",
    ]


def test_sentences_run_together_are_still_sentences() -> None:
    text = "Akun tidak bisa dipakai lagi.Lalu ikuti langkah berikut untuk menutup akun."
    assert split_text(text, 50) == [
        "Akun tidak bisa dipakai lagi.",
        "Lalu ikuti langkah berikut untuk menutup akun.",
    ]


def test_list_items_joined_by_semicolons_are_cut_after_an_item() -> None:
    text = "Persyaratan: surat penjaminan;paspor kebangsaan yang sah;surat keterangan domisili"
    assert split_text(text, 60) == [
        "Persyaratan: surat penjaminan;paspor kebangsaan yang sah;",
        "surat keterangan domisili",
    ]


def test_no_number_or_link_is_cut_at_its_dot() -> None:
    text = "Biaya paspor Rp650.000 lihat imigrasi.go.id/faq untuk info lengkap dan terbaru"
    parts = split_text(text, 40)
    assert parts == [
        "Biaya paspor Rp650.000 lihat",
        "imigrasi.go.id/faq untuk info lengkap",
        "dan terbaru",
    ]


def test_a_word_longer_than_the_limit_is_cut_anywhere() -> None:
    assert split_text("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]


def test_a_short_boundary_is_passed_over_for_a_fuller_message() -> None:
    text = "Ya.\n\n" + " ".join(["kata"] * 30)
    first, *_rest = split_text(text, 60)
    assert len(first) > 40 and first.startswith("Ya.\n\nkata")


@pytest.mark.parametrize("limit", [4096, 1000])
def test_a_10000_character_answer_arrives_whole_in_sentences(limit) -> None:
    answer = official_answer(10_000)
    parts = split_text(answer, limit)
    assert all(len(part) <= limit for part in parts)
    assert len(parts) >= -(-len(answer) // limit)
    assert visible("".join(parts)) == visible(answer)  # nothing lost, nothing added
    assert all(part.endswith((".", ";")) for part in parts)  # a sentence or list item ends


def test_a_long_reply_keeps_its_buttons_on_the_last_part() -> None:
    buttons = (Button("Syarat", "/ask_requirements"),)
    long = Reply(text=official_answer(10_000), buttons=buttons)
    short = Reply(text="Ada lagi?")
    replies = split_replies([long, short], 4096)
    assert [r.buttons for r in replies[:-2]] == [()] * (len(replies) - 2)
    assert replies[-2].buttons == buttons and replies[-1] == short
    assert visible("".join(r.text or "" for r in replies[:-1])) == visible(long.text or "")


def test_a_turn_is_packed_where_the_channel_wants_then_split() -> None:
    long = "A" * 30 + ". " + "B" * 30 + "."
    turn = [Reply(text="Halo."), Reply(text="Ada lagi?"), Reply(text=long)]
    packed = ["Halo.\n\nAda lagi?", "A" * 30 + ".", "B" * 30 + "."]
    assert [r.text for r in fit_to_channel(turn, 40, pack=True)] == packed
    assert [r.text for r in fit_to_channel(turn, 40, pack=False)] == [
        "Halo.",
        "Ada lagi?",
    ] + packed[1:]
    assert fit_to_channel(turn, None, pack=True) == turn
