"""Personal data never reaches the logs unmasked."""

import logging

import pytest

from bot.logging_setup import MaskingFilter, mask_identifier, mask_personal_data


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NIK saya 6171012345678901 ya", "NIK saya 617101******8901 ya"),
        ("hubungi 081234567890", "hubungi 0812*****90"),
        ("wa +6281234567890 min", "wa +62812*****90 min"),
        ("token 123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0", "token 123456789:***"),
        ("kuota 200 slot tanggal 5", "kuota 200 slot tanggal 5"),
    ],
)
def test_masks_nik_phone_numbers_and_tokens(text, expected):
    assert mask_personal_data(text) == expected


def test_identifier_keeps_only_its_ends():
    assert mask_identifier("123456789") == "12***89"
    assert mask_identifier("abc") == "***"


def test_filter_rewrites_formatted_records():
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "user %s said %s", ("a", "6171012345678901"), None
    )
    assert MaskingFilter().filter(record)
    assert record.getMessage() == "user a said 617101******8901"
