"""Personal data never reaches the logs unmasked."""

import io
import logging
import subprocess
import sys

import pytest

from bot import PROJECT_ROOT
from bot.logging_setup import (
    MaskingFilter,
    MaskingStream,
    mask_identifier,
    mask_personal_data,
)


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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nik 6171 0123 4567 0001", "nik 617101******0001"),
        ("nik 6171.0123.4567.0001.", "nik 617101******0001."),
        ("nik 6171-0123-4567-0001", "nik 617101******0001"),
        ("nik 617101 012345 0001", "nik 617101******0001"),
        ("nik 61.71.01.012345.0001", "nik 617101******0001"),
        ("NIK:6171012345670001", "NIK:617101******0001"),
        ("NIK6171012345670001", "NIK617101******0001"),
    ],
)
def test_masks_a_nik_in_groups(text, expected):
    assert mask_personal_data(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hp +62 812 3456 7890", "hp +62812*****90"),
        ("hp +62-812-3456-7890", "hp +62812*****90"),
        ("hp 62812345678901", "hp 62812*****01"),
        ("hp (0812) 3456-7890", "hp 0812*****90"),
        ("hp 0812 3456 7890", "hp 0812*****90"),
        ("hp +6281234567890", "hp +62812*****90"),
        ("hp 0812.3456.7890", "hp 0812*****90"),
        ("hp (+62) 812-3456-7890", "hp +62812*****90"),
        ("hp +62 (0)812 3456 7890", "hp +62812*****90"),
        ("hp 0812-345-678", "hp 0812*****78"),
    ],
)
def test_masks_phone_numbers_in_every_usual_form(text, expected):
    assert mask_personal_data(text) == expected


def test_masks_a_phone_number_and_a_nik_written_side_by_side():
    text = "data: 0812 3456 7890 6171 0123 4567 0001"
    assert mask_personal_data(text) == "data: 0812*****90 617101******0001"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("email budi.santoso@gmail.com ya", "email b***@g***.com ya"),
        ("kirim ke Budi_S+paspor@mail.example.co.id.", "kirim ke B***@m***.id."),
        ("<081234567890@yahoo.com>", "<0***@y***.com>"),
    ],
)
def test_masks_email_addresses(text, expected):
    assert mask_personal_data(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("paspor X1234567", "paspor X*****67"),
        ("paspor C 1234567 hilang", "paspor C*****67 hilang"),
        ("paspor A1234567.", "paspor A*****67."),
        ("nomor paspor c1234567, ya", "nomor paspor c*****67, ya"),
        ("paspor AB1234567", "paspor AB*****67"),
        ("paspor AB123456", "paspor AB****56"),
    ],
)
def test_masks_passport_numbers(text, expected):
    assert mask_personal_data(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "pengaduan ADU-20261202-0042 diterima",
        '127.0.0.1:51234 - POST /webhook 200 1234 "HTTP/1.1" 401 404 500 503',
        "2026-12-02 10:19:43,123 INFO bot.inbox: delivered",
        "2026-12-02T10:19:43.123456+07:00",
        "took 0.8123456789 s, 1234 ms, 12.5s; confidence 0.6281234567",
        "telegram update 123456789 (update_id=987654321), epoch 1764645583.123456",
        "Rasa at http://127.0.0.1:5005, actions 0.0.0.0:5055",
        "conversation 123e4567-e89b-12d3-a456-426614174000",
        "conversation e1234567-0812-4123-9456-081234567890",
        "sender 3f2a1b4c5d6e7f80a1234567b2345678",
        "loaded models/model-3f2a1b4c5d6e7f80.tar.gz and 20261202-101943-brisk-dew.tar.gz",
        "biaya Rp1.000.000 atau Rp 350.000, kuota 200 slot tanggal 5",
        "rasa==3.6.21 sanic@21.12.2 HTTP/1.1 python3.10",
        "A123456 AB12345 X12345678 versi v1.2.3",
    ],
)
def test_leaves_log_data_that_is_not_personal_alone(text):
    assert mask_personal_data(text) == text


def test_identifier_keeps_only_its_ends():
    assert mask_identifier("123456789") == "12***89"
    assert mask_identifier("abc") == "***"


def test_filter_rewrites_formatted_records():
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "user %s said %s", ("a", "6171012345678901"), None
    )
    assert MaskingFilter().filter(record)
    assert record.getMessage() == "user a said 617101******8901"


def test_filter_masks_the_traceback():
    try:
        raise ValueError("no HP 081234567890")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    assert MaskingFilter().filter(record)
    text = logging.Formatter().format(record)
    assert "081234567890" not in text
    assert "no HP 0812*****90" in text


def test_stream_masks_a_number_split_over_two_writes():
    target = io.StringIO()
    stream = MaskingStream(target)
    assert stream.write("hp 0812 34") == len("hp 0812 34")
    stream.write("56 7890 dan email budi@exa")
    assert target.getvalue() == ""  # nothing before the line is complete
    stream.write("mple.com\nnik 6171 0123 ")
    assert target.getvalue() == "hp 0812*****90 dan email b***@e***.com\n"
    stream.write("4567 0001")
    stream.flush()
    assert target.getvalue() == "hp 0812*****90 dan email b***@e***.com\nnik 617101******0001"


def test_stream_writes_carriage_return_lines_and_overlong_lines_on():
    target = io.StringIO()
    stream = MaskingStream(target, max_pending=10)
    stream.write("50%\r")
    assert target.getvalue() == "50%\r"
    stream.write("x" * 11)
    assert target.getvalue() == "50%\r" + "x" * 11


def test_stream_refuses_bytes_like_a_text_stream():
    with pytest.raises(TypeError):
        MaskingStream(io.StringIO()).write(b"bytes")  # type: ignore[arg-type]


def test_stream_forwards_what_libraries_inspect(tmp_path):
    with open(tmp_path / "out.txt", "w", encoding="utf-8") as target:
        stream = MaskingStream(target)
        assert stream.fileno() == target.fileno()
        assert stream.isatty() is False
        assert stream.encoding == "utf-8"
        assert stream.errors == target.errors
        assert stream.name == target.name
        assert stream.writable() and not stream.closed
        stream.writelines(["nik 6171012345670001\n", "ok"])
        stream.close()
        assert stream.closed
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == "nik 617101******0001\nok"


PROCESS_SCRIPT = """
import logging, sys, warnings
from bot.logging_setup import MaskingStream, install_process_masking

install_process_masking()
install_process_masking()  # a second call changes nothing
assert isinstance(sys.stderr, MaskingStream) and not isinstance(sys.stderr.wrapped, MaskingStream)
assert isinstance(sys.stdout, MaskingStream) and not isinstance(sys.stdout.wrapped, MaskingStream)

logging.basicConfig(format="%(levelname)s %(name)s %(message)s")
log = logging.getLogger("x")
log.warning("nik %s", "6171012345670001")
# Rasa and Sanic replace the root handlers after we ran; a file gets no stream wrapper
logging.getLogger().handlers[:] = [logging.StreamHandler(sys.stderr)]
log.addHandler(logging.FileHandler(sys.argv[1], encoding="utf-8"))
log.warning("hp %s", "0812 3456 7890")
try:
    raise ValueError("paspor X1234567")
except ValueError:
    log.exception("email %s", "budi.santoso@gmail.com")
warnings.warn("email budi@example.com")
logging.captureWarnings(True)
warnings.warn("hp 081298765432")
sys.stderr.write("hp +62 812 3456 7890\\n")
sys.stderr.write("nik 6171 0123 ")
sys.stderr.write("4567 0002\\n")
print("tel (0812) 3456-7891")
sys.stdout.write("no newline before exit 6171.0123.4567.0003")
raise RuntimeError("nik 6171-0123-4567-0004")
"""

RAW_VALUES = [
    "6171012345670001",
    "3456 7890",
    "X1234567",
    "budi.santoso",
    "budi@example.com",
    "081298765432",
    "6171 0123",
    "3456-7891",
    "6171.0123",
    "6171-0123",
]


def test_a_masked_process_prints_logs_and_warns_no_personal_data(tmp_path):
    script = tmp_path / "masked_process.py"
    script.write_text(PROCESS_SCRIPT, encoding="utf-8")
    log_file = tmp_path / "x.log"
    result = subprocess.run(
        [sys.executable, str(script), str(log_file)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1, result.stderr  # the RuntimeError at the end
    logged = log_file.read_text(encoding="utf-8")
    for output in (result.stderr, result.stdout, logged):
        leaked = [raw for raw in RAW_VALUES if raw in output]
        assert not leaked, output
    for masked in [
        "WARNING x nik 617101******0001",
        "hp 0812*****90",
        "email b***@g***.com",
        "ValueError: paspor X*****67",
        "UserWarning: email b***@e***.com",
        "UserWarning: hp 0812*****32",
        "hp +62812*****90",
        "nik 617101******0002",
        "RuntimeError: nik 617101******0004",
    ]:
        assert masked in result.stderr, result.stderr
    assert "hp 0812*****90" in logged and "ValueError: paspor X*****67" in logged
    assert result.stdout == "tel 0812*****91\nno newline before exit 617101******0003"
