"""The directorate's public FAQ imports as it is: one command, no manual edit, idempotent.

The file is public test data kept outside the project (../shared/reference/imigrasi-faq, see
its README); it is read from there, never copied into the product.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bot import PROJECT_ROOT
from bot.knowledge import store
from bot.knowledge.importer import import_faq_file

REFERENCE = PROJECT_ROOT / ".." / "shared" / "reference" / "imigrasi-faq" / "faq-part1.csv"
OLD_MAX_ANSWER = 3500


def reference_file(path: Path) -> Path:
    """Return the path; skip the test, saying where it looked, when the file is absent.

    Also under CI: the file lives beside the checkout, not in it, and a clean clone made
    elsewhere has no ../shared (the file must not be copied into the project).
    """
    if not path.is_file():
        pytest.skip(f"the public FAQ reference file is not at {path.resolve()}")
    return path


@pytest.fixture
def reference_faq() -> Path:
    return reference_file(REFERENCE)


def test_a_missing_reference_file_skips_saying_where_it_looked(tmp_path) -> None:
    with pytest.raises(pytest.skip.Exception, match="absent.csv"):
        reference_file(tmp_path / "absent.csv")


def test_the_public_faq_imports_as_it_is(session_factory, reference_faq) -> None:
    with reference_faq.open(encoding="utf-8", newline="") as handle:
        source = list(csv.DictReader(handle))
    with session_factory.begin() as session:
        report = import_faq_file(reference_faq, session=session, author="tester")
    assert (report.created, report.errors) == (22, [])
    warnings = dict(report.warnings)
    assert warnings[1] == "ignored unknown column(s): topic, type"
    assert "akunClear" in warnings[2] and "lakukan:Keluar" in warnings[2]
    assert "lagi.Lalu" in warnings[5]
    with session_factory.begin() as session:
        entries = {entry.question: entry for entry in store.list_entries(session=session)}
        revision = store.current_revision(session=session)
    assert len(entries) == 22
    long_ones = [row for row in source if len(row["answer"]) > OLD_MAX_ANSWER]
    assert len(long_ones) == 3  # 4,516 to 6,194 characters: refused before, now kept whole
    for row in source:
        entry = entries[row["question"]]
        assert entry.answer == row["answer"]  # in full, not cut
        assert entry.source_url == row["answer_link"]
        assert entry.category == row["category"].lower()
    with session_factory.begin() as session:
        again = import_faq_file(reference_faq, session=session, author="tester")
        assert store.current_revision(session=session) == revision
    assert (again.created, again.updated, again.unchanged, again.errors) == (0, 0, 22, [])
