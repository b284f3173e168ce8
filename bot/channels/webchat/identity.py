"""Who is writing on the web chat: a secret the server issues, never an id the client picks.

`POST /api/conversations` issues a conversation's secret token (a cookie for the page, the same
value in the body for API clients). The contact is derived from it: `contacts.external_id` is
the token's SHA-256, so neither a client-chosen id nor a copy of the database grants access.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import web

COOKIE_NAME = "chat_token"
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def contact_key(token: str) -> str:
    """Return the contact's external id for a token (the token itself is never stored)."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def presented_token(request: web.Request) -> str | None:
    """Return the well-formed token the request carries (bearer header first, then cookie)."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, value = header.partition(" ")
        candidate = value.strip() if scheme.lower() == "bearer" else ""
    else:
        candidate = request.cookies.get(COOKIE_NAME, "")
    return candidate if TOKEN_PATTERN.fullmatch(candidate) else None


def client_address(request: web.Request, trusted_proxies: int) -> str:
    """The citizen's address: the peer, or behind `trusted_proxies` proxies the address the
    outermost of them saw (X-Forwarded-For, counted from the right: clients can forge the rest).
    """
    if trusted_proxies > 0:
        hops = [hop.strip() for hop in request.headers.get("X-Forwarded-For", "").split(",")]
        hops = [hop for hop in hops if hop]
        if len(hops) >= trusted_proxies:
            return hops[-trusted_proxies]
    return request.remote or ""


def is_https(request: web.Request) -> bool:
    """Whether the page was reached over HTTPS (directly or behind a TLS-terminating proxy)."""
    return request.secure or request.headers.get("X-Forwarded-Proto", "").lower() == "https"


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimits:
    """Token buckets per key (a contact, an address), in this process.

    With several gateway replicas each enforces its own limit; a load balancer with sticky
    sessions keeps a citizen on one.
    """

    def __init__(
        self, per_minute: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._rate = per_minute / 60.0
        self._burst = float(burst)
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}

    def take(self, key: str) -> float:
        """Spend one token of `key`; return 0, or the seconds to wait when none is left."""
        now = self._clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(self._burst, now)
        bucket.tokens = min(self._burst, bucket.tokens + (now - bucket.updated) * self._rate)
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        if len(self._buckets) > 50_000:  # forget keys that have refilled
            full = self._burst / self._rate if self._rate else 0
            self._buckets = {
                k: b for k, b in self._buckets.items() if now - b.updated < full or k == key
            }
        return (1.0 - bucket.tokens) / self._rate if self._rate else 60.0
