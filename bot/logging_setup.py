"""Logging configuration with masking of personal data (NIK, phone numbers, tokens)."""

from __future__ import annotations

import logging
import re
import sys
from typing import TextIO

NIK_PATTERN = re.compile(r"(?<!\d)(\d{6})\d{6}(\d{4})(?!\d)")
PHONE_PATTERN = re.compile(r"(?<![\d\w])(\+?62|0)8(\d{1,2})[\d\- ]{5,11}(\d{2})(?!\d)")
BOT_TOKEN_PATTERN = re.compile(r"(?<!\d)(\d{6,12}):[A-Za-z0-9_-]{30,}")  # also in …/bot<token>/


def mask_personal_data(text: str) -> str:
    """Mask NIK (16 digits), Indonesian phone numbers and bot tokens in free text."""
    text = BOT_TOKEN_PATTERN.sub(r"\1:***", text)
    text = NIK_PATTERN.sub(r"\1******\2", text)
    return PHONE_PATTERN.sub(lambda m: f"{m.group(1)}8{m.group(2)}*****{m.group(3)}", text)


def mask_identifier(value: str) -> str:
    """Show only enough of an external user id to correlate log lines."""
    if len(value) <= 4:
        return "***"
    return f"{value[:2]}***{value[-2:]}"


class MaskingFilter(logging.Filter):
    """Rewrite every record's message with personal data masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_personal_data(message)
        if masked != message:
            record.msg = masked
            record.args = None
        return True


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
