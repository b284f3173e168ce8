"""Who writes on the web chat: the client address behind trusted proxies, tokens."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import make_mocked_request

from bot.channels.webchat.identity import client_address, presented_token


@pytest.mark.parametrize(
    ("forwarded", "proxies", "expected"),
    [
        (None, 0, "10.0.0.9"),  # the peer itself
        ("203.0.113.7", 0, "10.0.0.9"),  # no proxy trusted: a client can write this header
        ("203.0.113.7", 1, "203.0.113.7"),
        ("198.51.100.1, 203.0.113.7", 1, "203.0.113.7"),  # the left part is the client's own
        ("198.51.100.1, 203.0.113.7", 2, "198.51.100.1"),
        ("203.0.113.7", 2, "10.0.0.9"),  # fewer hops than proxies: the header is not ours
    ],
)
def test_the_client_address_is_counted_from_the_trusted_proxies(forwarded, proxies, expected):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    request = make_mocked_request("POST", "/api/conversations", headers=headers)
    request._transport_peername = ("10.0.0.9", 4000)  # type: ignore[attr-defined]
    assert client_address(request, proxies) == expected


def test_the_bearer_header_wins_over_the_cookie_and_both_are_checked_exactly():
    token = "A" * 43
    assert (
        presented_token(
            make_mocked_request("GET", "/", headers={"Authorization": f"Bearer {token}"})
        )
        == token
    )
    assert (
        presented_token(
            make_mocked_request("GET", "/", headers={"Authorization": f"Basic {token}"})
        )
        is None
    )
    assert (
        presented_token(make_mocked_request("GET", "/", headers={"Cookie": f"chat_token={token}"}))
        == token
    )
    assert (
        presented_token(make_mocked_request("GET", "/", headers={"Cookie": f"chat_token={token}x"}))
        is None
    )
