"""Revisions (who, what, restore), the revision counter and the unanswered-questions log."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.knowledge import store
from bot.knowledge.entries import EntryData

NOW = datetime(2026, 12, 2, 2, 0, tzinfo=timezone.utc)


def test_edit_and_restore_keep_the_whole_history(faq_factory) -> None:
    with faq_factory.begin() as session:
        original = store.get_entry(session=session, key="reschedule")
        start = store.current_revision(session=session)
        store.edit_entry(session=session, key="reschedule", author="ani", answer="Baru.")
        store.edit_entry(session=session, key="reschedule", author="budi", status="archived")
    with faq_factory.begin() as session:
        restored = store.restore_revision(session=session, key="reschedule", number=1, author="c")
        revisions = store.history(session=session, key="reschedule")
        assert store.current_revision(session=session) == start + 3
    assert original is not None
    assert restored.answer == original.answer and restored.status == "published"
    assert [(r.number, r.author) for r in revisions] == [
        (1, "demo-seed"),
        (2, "ani"),
        (3, "budi"),
        (4, "c"),
    ]
    assert revisions[1].changed_fields == ("answer",)
    assert revisions[2].changed_fields == ("status",)
    assert revisions[3].note == "restored revision 1"
    assert set(revisions[3].changed_fields) == {"answer", "status"}


def test_restoring_an_unknown_revision_fails(faq_factory) -> None:
    with faq_factory.begin() as session, pytest.raises(store.UnknownRevisionError):
        store.restore_revision(session=session, key="reschedule", number=99, author="x")
    with faq_factory.begin() as session, pytest.raises(store.UnknownEntryError):
        store.edit_entry(session=session, key="nope", author="x", answer="y")


def test_invalid_edits_are_refused(faq_factory) -> None:
    with faq_factory.begin() as session, pytest.raises(ValueError, match="status"):
        store.edit_entry(session=session, key="reschedule", author="x", status="live")
    with pytest.raises(ValueError, match="before valid_from"):
        EntryData(
            category="c",
            question="q",
            answer="a",
            valid_from=NOW.date(),
            valid_until=NOW.date() - timedelta(days=1),
        )


def test_counter_survives_a_missing_state_row(session_factory) -> None:
    with session_factory.begin() as session:
        session.execute(store.KnowledgeState.__table__.delete())
        assert store.current_revision(session=session) == 0
        store.bump_revision(session=session)
        store.bump_revision(session=session)
        assert store.current_revision(session=session) == 2


def test_unanswered_questions_are_masked_and_grouped(session_factory) -> None:
    with session_factory.begin() as session:
        store.log_unanswered(
            session=session, text="NIK saya 6171012345678901 blm terdaftar", now=NOW
        )
        store.log_unanswered(
            session=session,
            text="nik sy 6171019999999999 belum terdaftar, hp 081234567890",
            now=NOW + timedelta(minutes=5),
        )
        store.log_unanswered(session=session, text="harga tiket pesawat", now=NOW + timedelta(1))
    with session_factory.begin() as session:
        groups = store.unanswered_groups(session=session)
        texts = [
            row.text for row in session.execute(store.select(store.UnansweredQuestion)).scalars()
        ]
    assert [(g.example, g.count) for g in groups] == [
        ("harga tiket pesawat", 1),
        ("nik sy 617101******9999 belum terdaftar, hp 0812*****90", 2),
    ]
    assert all("6171012345678901" not in t and "081234567890" not in t for t in texts)


def test_a_summary_delivery_needs_a_summary_and_a_source_link(faq_factory) -> None:
    with faq_factory.begin() as session, pytest.raises(ValueError) as refused:
        store.edit_entry(session=session, key="reschedule", author="x", delivery="summary")
    assert str(refused.value) == (
        "delivery summary needs a summary; delivery summary needs a source link"
    )
    with faq_factory.begin() as session, pytest.raises(ValueError, match="'pdf' must be"):
        store.edit_entry(session=session, key="reschedule", author="x", delivery="pdf")
    with pytest.raises(ValueError, match="summary is 1,001 characters; at most 1,000 fit"):
        EntryData(category="c", question="q", answer="a", summary="x" * 1001)


def test_delivery_and_summary_are_in_the_history_and_restored(faq_factory) -> None:
    link = "https://www.imigrasi.go.id/faq/reschedule"
    with faq_factory.begin() as session:
        store.edit_entry(
            session=session, key="reschedule", author="ani", delivery="summary",
            summary="Jadwal bisa diubah di aplikasi.", source_url=link,
        )  # fmt: skip
        store.edit_entry(session=session, key="reschedule", author="budi", delivery="parts")
        revisions = store.history(session=session, key="reschedule")
        restored = store.restore_revision(session=session, key="reschedule", number=2, author="c")
    assert set(revisions[1].changed_fields) == {"delivery", "summary", "source_url"}
    assert revisions[1].snapshot["delivery"] == "summary"
    assert revisions[2].changed_fields == ("delivery",)
    assert (restored.delivery, restored.summary) == ("summary", "Jadwal bisa diubah di aplikasi.")
    with faq_factory.begin() as session:  # back to the seeded revision: the whole answer
        first = store.restore_revision(session=session, key="reschedule", number=1, author="c")
    assert (first.delivery, first.summary, first.source_url) == ("parts", None, None)
