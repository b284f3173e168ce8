"""Reading a JSON request body completely and safely, with a documented 4xx for each fault.

Every inbound route (web chat API, platform webhooks) reads its body here: the whole body
(however many packets it arrives in), at most `max_bytes`, UTF-8 only, a JSON value of limited
nesting. Each fault is a `BodyError` with the HTTP status and a short reason; nothing here
answers 500.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import web

MAX_NESTING = 32  # deeper JSON than any request of ours needs
BODY_TIMEOUT_SECONDS = 10.0
MAX_BODY_BYTES = 64 * 1024  # the gateway's default; a webhook may allow more


class BodyError(ValueError):
    """The body cannot be accepted; `status` is the HTTP answer (400, 408, 413, 415)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def _depth(value: Any) -> int:
    depth, level = 0, [value]
    while level:
        depth += 1
        if depth > MAX_NESTING:
            return depth
        level = [
            child
            for item in level
            if isinstance(item, dict | list)
            for child in (item.values() if isinstance(item, dict) else item)
            if isinstance(child, dict | list)
        ]
    return depth


async def read_body(request: web.Request, max_bytes: int) -> bytes:
    """Read the whole body (every packet until its end); 413 when larger, 408 when too slow."""
    if request.content_length is not None and request.content_length > max_bytes:
        raise BodyError(413, f"body larger than {max_bytes} bytes")
    if request.headers.get("Content-Encoding", "identity").strip().lower() != "identity":
        # No client of ours compresses a request. (aiohttp also leaves the handler waiting
        # forever when a compressed body turns out to be broken after it began reading it.)
        raise BodyError(415, "Content-Encoding is not supported; send the body uncompressed")
    try:
        return await asyncio.wait_for(_read_all(request, max_bytes), BODY_TIMEOUT_SECONDS)
    except asyncio.TimeoutError as exc:  # a client that stops sending holds no handler
        raise BodyError(408, "the body did not arrive in time") from exc


async def _read_all(request: web.Request, max_bytes: int) -> bytes:
    chunks, size = [], 0
    try:
        while chunk := await request.content.read(65536):
            size += len(chunk)
            if size > max_bytes:
                raise BodyError(413, f"body larger than {max_bytes} bytes")
            chunks.append(chunk)
    except BodyError:
        raise
    except Exception as exc:  # noqa: BLE001 - a broken transfer, a bad Content-Encoding...
        raise BodyError(400, "could not read the body") from exc
    return b"".join(chunks)


def parse_json(raw: bytes, *, charset: str | None = None) -> Any:
    """Decode UTF-8 JSON; 415 for another charset, 400 for anything that is not valid JSON."""
    if charset is not None and charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise BodyError(415, "body must be UTF-8 JSON")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BodyError(400, "body is not valid UTF-8") from exc
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as exc:  # RecursionError: absurdly deep nesting
        raise BodyError(400, "body is not valid JSON") from exc
    if _depth(value) > MAX_NESTING:
        raise BodyError(400, "body is nested too deeply")
    return value


async def read_json(request: web.Request, max_bytes: int) -> Any:
    """Read and parse a JSON body that must be sent as application/json."""
    if request.content_type != "application/json":
        raise BodyError(415, "Content-Type must be application/json")
    return parse_json(await read_body(request, max_bytes), charset=request.charset)
