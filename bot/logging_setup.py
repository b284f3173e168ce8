"""Logging configuration with masking of personal data (NIK, phones, e-mail, passports, tokens)."""

from __future__ import annotations

import logging
import re
import sys
import threading
import warnings
from collections.abc import Callable, Iterable
from typing import Any, TextIO

# A number is a run of digits that may be grouped by single spaces, dots or hyphens. A match
# must not start or end inside a longer such run (a dot or hyphen joined to a digit continues
# it; a space does not, so two numbers written side by side are both found).
_NOT_AFTER_NUMBER = r"(?<!\d)(?<!\d[.\-])"
_NOT_BEFORE_NUMBER = r"(?!\d)(?![.\-]\d)"

# NIK: 16 digits, plain or grouped 4-4-4-4, 6-6-4 or 2-2-2-6-4 with one separator throughout.
# A NIK starts with a province code (11-94), never 0: "0812 3456 7890 1234" is not one.
_NIK_FORMS = (
    r"\d{16}",
    r"[1-9]\d{3}(?P<nik_s4>[ .\-])\d{4}(?P=nik_s4)\d{4}(?P=nik_s4)\d{4}",
    r"[1-9]\d{5}(?P<nik_s6>[ .\-])\d{6}(?P=nik_s6)\d{4}",
    r"[1-9]\d(?P<nik_s2>[ .\-])\d\d(?P=nik_s2)\d\d(?P=nik_s2)\d{6}(?P=nik_s2)\d{4}",
)
NIK_PATTERN = re.compile(f"{_NOT_AFTER_NUMBER}(?:{'|'.join(_NIK_FORMS)}){_NOT_BEFORE_NUMBER}")
# Indonesian mobile numbers: 0 / 62 / +62 (optionally "(+62)", "+62 (0)", "(0812)"), then the
# operator prefix 8xx and 6-9 more digits, grouped by spaces, dots or hyphens.
PHONE_PATTERN = re.compile(
    r"(?<![\w+])(?<!\d[.\-])"
    r"(?:\(?(?P<phone_cc>\+?62)\)?[ .\-]?(?:\(0\)[ .\-]?)?|\(?0)"
    r"\(?(?P<phone_op>8\d\d)\)?"
    r"(?P<phone_rest>(?:[ .\-]?\d){6,9})" + _NOT_BEFORE_NUMBER
)
# NIK and phone numbers in one pass, so the leftmost number wins when two stand side by side.
_NUMBER_PATTERN = re.compile(f"(?P<nik>{NIK_PATTERN.pattern})|(?P<phone>{PHONE_PATTERN.pattern})")
EMAIL_PATTERN = re.compile(
    r"(?<![\w.+\-])(?P<local>[\w.+\-]+)@(?P<domain>[\w\-]+(?:\.[\w\-]+)*)"
    r"\.(?P<tld>[A-Za-z]{2,})(?![\w\-])"
)
# Passports: one letter and 7 digits (X1234567, "C 1234567"), or two letters and 6-7 digits.
# Not inside a word, a hyphenated name or a UUID ("e1234567-89ab-...").
PASSPORT_PATTERN = re.compile(
    r"(?<![\w\-])"
    r"(?:(?P<upper>[A-Z]) (?P<spaced>\d{7})|(?P<letters>[A-Za-z]{1,2})(?P<digits>\d{6,7}))"
    r"(?!\w)(?!-\w)"
)
BOT_TOKEN_PATTERN = re.compile(r"(?<!\d)(\d{6,12}):[A-Za-z0-9_-]{30,}")  # also in …/bot<token>/


def _mask_number(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    if match.group("nik") is not None:
        return f"{digits[:6]}******{digits[-4:]}"
    code = match.group("phone_cc")
    prefix = "0" if code is None else code
    return f"{prefix}{match.group('phone_op')}*****{digits[-2:]}"


def _mask_email(match: re.Match[str]) -> str:
    return f"{match.group('local')[0]}***@{match.group('domain')[0]}***.{match.group('tld')}"


def _mask_passport(match: re.Match[str]) -> str:
    letters = match.group("upper") or match.group("letters")
    digits = match.group("spaced") or match.group("digits")
    if match.group("letters") and len(letters) == 1 and len(digits) != 7:
        return match.group(0)  # one letter and 6 digits is not a passport number
    return f"{letters}{'*' * (len(digits) - 2)}{digits[-2:]}"


def mask_personal_data(text: str) -> str:
    """Mask NIK, Indonesian phone numbers, e-mail addresses, passport numbers and bot tokens."""
    text = BOT_TOKEN_PATTERN.sub(r"\1:***", text)
    text = EMAIL_PATTERN.sub(_mask_email, text)
    text = _NUMBER_PATTERN.sub(_mask_number, text)
    return PASSPORT_PATTERN.sub(_mask_passport, text)


def mask_identifier(value: str) -> str:
    """Show only enough of an external user id to correlate log lines."""
    if len(value) <= 4:
        return "***"
    return f"{value[:2]}***{value[-2:]}"


def mask_record(record: logging.LogRecord, formatter: logging.Formatter | None = None) -> None:
    """Mask personal data in a record's message, traceback and stack, once per record."""
    if getattr(record, "_personal_data_masked", False):
        return
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a bad format string; the handler reports it itself
        return
    masked = mask_personal_data(message)
    if masked != message:
        record.msg = masked
        record.args = None
    if record.exc_info and not record.exc_text:
        record.exc_text = (formatter or logging.Formatter()).formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = mask_personal_data(record.exc_text)
    if record.stack_info:
        record.stack_info = mask_personal_data(record.stack_info)
    record._personal_data_masked = True


class MaskingFilter(logging.Filter):
    """Rewrite every record's message with personal data masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        mask_record(record)
        return True


class MaskingStream:
    """A text stream that masks personal data before writing to the stream it wraps.

    Only complete lines (ending in a newline or carriage return) are written on, so a number
    split over two `write` calls is still masked; `flush()` writes the rest. A line longer than
    `max_pending` characters is written on unfinished. Everything else (`fileno`, `isatty`,
    `encoding`, `buffer`…) is the wrapped stream's: bytes written to `buffer` or to the file
    descriptor are not masked.
    """

    def __init__(
        self,
        stream: TextIO,
        mask: Callable[[str], str] = mask_personal_data,
        max_pending: int = 65536,
    ) -> None:
        self.wrapped = stream
        self._mask = mask
        self._max_pending = max_pending
        self._pending = ""
        self._lock = threading.RLock()

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        with self._lock:
            self._pending += text
            end = max(self._pending.rfind("\n"), self._pending.rfind("\r")) + 1
            if end == 0 and len(self._pending) > self._max_pending:
                end = len(self._pending)
            if end:
                complete, self._pending = self._pending[:end], self._pending[end:]
                self.wrapped.write(self._mask(complete))
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        with self._lock:
            if self._pending:
                pending, self._pending = self._pending, ""
                self.wrapped.write(self._mask(pending))
            self.wrapped.flush()

    def close(self) -> None:
        if not self.wrapped.closed:
            self.flush()
        self.wrapped.close()

    @property
    def closed(self) -> bool:
        return self.wrapped.closed

    @property
    def encoding(self) -> str:
        return self.wrapped.encoding

    @property
    def errors(self) -> str | None:
        return self.wrapped.errors

    def fileno(self) -> int:
        return self.wrapped.fileno()

    def isatty(self) -> bool:
        return self.wrapped.isatty()

    def writable(self) -> bool:
        return True

    def readable(self) -> bool:
        return False

    def seekable(self) -> bool:
        return False

    def __getattr__(self, name: str) -> Any:
        if name == "wrapped":  # not set yet (during unpickling or __init__)
            raise AttributeError(name)
        return getattr(self.wrapped, name)

    def __repr__(self) -> str:
        return f"MaskingStream({self.wrapped!r})"


def _masking_handle(original: Callable[[logging.Handler, logging.LogRecord], Any]) -> Any:
    def handle(self: logging.Handler, record: logging.LogRecord) -> Any:
        mask_record(record, self.formatter)
        return original(self, record)

    handle.masks_personal_data = True  # type: ignore[attr-defined]
    return handle


def _masking_showwarning(original: Callable[..., Any]) -> Callable[..., Any]:
    def showwarning(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: TextIO | None = None,
        line: str | None = None,
    ) -> Any:
        text = str(message)
        if mask_personal_data(text) != text:
            message = mask_personal_data(text)
        if line:
            line = mask_personal_data(line)
        return original(message, category, filename, lineno, file, line)

    showwarning.masks_personal_data = True  # type: ignore[attr-defined]
    return showwarning


def install_process_masking() -> None:
    """Mask personal data in everything this process prints, logs or warns; idempotent.

    Wraps `sys.stdout` and `sys.stderr` in `MaskingStream` (the catch-all: Rasa and Sanic
    configure their own handlers later, on these streams), masks every record in
    `logging.Handler.handle` (so every handler, also those added later or writing to files,
    sees masked records), and masks the text of warnings.
    """
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and not isinstance(stream, MaskingStream):
            setattr(sys, name, MaskingStream(stream))
    if not getattr(logging.Handler.handle, "masks_personal_data", False):
        logging.Handler.handle = _masking_handle(logging.Handler.handle)  # type: ignore[method-assign]
    if not getattr(warnings.showwarning, "masks_personal_data", False):
        warnings.showwarning = _masking_showwarning(warnings.showwarning)


class StderrHandler(logging.StreamHandler):
    """Write to whatever `sys.stderr` is when a record is emitted (test runners swap it)."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: object) -> None:
        pass


def configure_logging(level: str = "INFO") -> None:
    """Log to stderr with personal data masked."""
    handler = StderrHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(MaskingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx (python-telegram-bot's HTTP client) logs every request URL, which holds the token
    logging.getLogger("httpx").setLevel(logging.WARNING)
