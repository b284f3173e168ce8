"""Seeded generators of hostile requests for the gateway's fuzz tests, and a raw HTTP sender.

Everything is drawn from one `random.Random`, so a seed reproduces the inputs exactly. JSON is
written by `encode`, which also writes what `json.dumps` cannot: `Raw` text (1e999, 5,000-digit
numbers, 1,000-deep nesting) and `Pairs` (objects with duplicate keys). Each generator returns a
`FuzzRequest` whose `note` says what it meant (a token's kind, a secret's), so the test can
judge the answer.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import random
import re
from dataclasses import dataclass, field
from typing import Any

# fmt: off
PHRASES = (
    "halo", "kapan kuota dibuka?", "jam buka kantor imigrasi pontianak", "paspor saya hilang",
    "berapa biaya paspor?", "syarat paspor baru apa saja", "terima kasih", "hello, office hours?",
)
PAYLOADS = (
    "/restart", "/back", "/session_start", '/ask_quota{"office":"x"}',
    '/inform{"office":"pontianak"}', "/ask_quota", "/greet", "!language en", "!language xx",
    "/ask_quota{", '/ask_quota{"office": 5}', '/ask_quota["x"]', "/" + "a" * 600, "{}", "null",
    "/ask_quota\u0000", "/ask_quota ", "/ASK_QUOTA", "ask_quota", '/ask_quota{"office":"\ud800"}',
)
HUGE_NUMBERS = ("1e999", "-1e999", "1" * 5000, "9" * 4000, "-0", "1.0e-400", "NaN", "Infinity")
# fmt: on


# ----- JSON ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Raw:
    """JSON text that `encode` writes verbatim."""

    text: str


@dataclass(frozen=True)
class Pairs:
    """A JSON object written with these keys in this order, repeated keys included."""

    items: tuple[tuple[str, Any], ...]


def _plain(value: Any) -> bool:
    if isinstance(value, Raw | Pairs):
        return False
    if isinstance(value, dict):
        return all(_plain(v) for v in value.values())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return True


def encode(value: Any) -> str:
    """Write `value` as JSON text (strings \\u-escaped: a lone surrogate arrives as "\\ud800")."""
    if _plain(value):
        return json.dumps(value)
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, Pairs):
        return "{" + ",".join(f"{json.dumps(k)}:{encode(v)}" for k, v in value.items) + "}"
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(str(k))}:{encode(v)}" for k, v in value.items()) + "}"
    return "[" + ",".join(encode(v) for v in value) + "]"


def to_bytes(rng: random.Random, value: Any) -> bytes:
    """Serialise: escaped ASCII mostly, raw UTF-8 sometimes (lone surrogates: invalid UTF-8)."""
    if _plain(value) and rng.random() < 0.2:
        return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")
    return encode(value).encode("utf-8", "surrogatepass")


def deep(rng: random.Random) -> Raw:
    """Nesting from just past our limit to far past the parser's recursion limit."""
    depth = rng.choice([31, 32, 33, 64, 999, 1000, 1001, 1500, 5000, 30_000])
    kind = rng.randrange(4)
    if kind == 0:
        return Raw("[" * depth + "]" * depth)
    if kind == 1:
        return Raw('{"a":' * depth + "1" + "}" * depth)
    if kind == 2:
        return Raw('[{"text":' * depth + '"x"' + "}]" * depth)
    return Raw("[" * depth)  # never closed


# ----- hostile values -----------------------------------------------------------------------------

# controls, C1, Latin, surrogates, zero-width and bidi, specials, emoji, the last plane
UNICODE_RANGES = (
    (0x20, 0x7E), (0x0, 0x1F), (0x7F, 0x9F), (0xA0, 0x2FF), (0xD800, 0xDFFF),
    (0x200B, 0x202E), (0xFFF0, 0xFFFF), (0x1F300, 0x1F64F), (0x10FFF0, 0x10FFFF),
)  # fmt: skip


def random_unicode(rng: random.Random, length: int) -> str:
    chars: list[str] = []
    while len(chars) < length:
        low, high = rng.choice(UNICODE_RANGES)
        start = rng.randint(low, high)
        chars.extend(chr(min(high, start + i)) for i in range(rng.randint(1, 12)))
    return "".join(chars[:length])


def hostile_text(rng: random.Random) -> str:
    """A string for any text field: empty, controls, NUL, surrogates, long, commands, junk."""
    phrase = rng.choice(PHRASES)
    return [
        lambda: "",
        lambda: " \t\n ",
        lambda: "\u0000",
        lambda: phrase[:2] + "\u0000" + phrase[2:],
        lambda: "\ud800" + rng.choice(["", " " + phrase]),
        lambda: phrase + "\udfff\ud83d",
        lambda: "".join(chr(rng.randrange(32)) for _ in range(rng.randint(1, 40))),
        lambda: "\u202e\ufeff\u200b" + phrase + "\x1b[31m\x7f",
        lambda: "x" * rng.choice([4095, 4096, 4097, 5000, 20_000]),
        lambda: "\U0001f6c2" * rng.choice([1, 2048, 2049, 4097]),
        lambda: rng.choice(PAYLOADS),
        lambda: random_unicode(rng, rng.randint(1, 200)),
        lambda: "'; DROP TABLE inbound_messages; --" + phrase,
        lambda: "<script>alert(1)</script>%s%n{0}" + phrase,
        lambda: "/" * rng.randint(1, 50) + rng.choice(["", phrase]),
        lambda: phrase,
        lambda: (
            rng.choice(["/start ", "/bahasa ", "/help ", "/language@paspor_test_bot "])
            + rng.choice(["\u0000", "\ud800", "en\u0000", "\x1b", "x" * 5000, "/ /restart"])
        ),
    ][rng.randrange(17)]()


def hostile_value(rng: random.Random, depth: int = 0) -> Any:
    """A value of any JSON type for any field (a string half the time)."""
    if rng.random() < 0.5:
        return hostile_text(rng)
    choice = rng.randrange(18 if depth < 2 else 16)
    if choice < 12:
        return (None, True, False, 0, -1, 1.5, 2**31, 2**63, 2**64, -(10**30), [], {})[choice]
    if choice == 12:
        return Raw(rng.choice(HUGE_NUMBERS))
    if choice == 13:
        return deep(rng)
    if choice == 14:
        return [hostile_text(rng)]
    if choice == 15:
        return {"text": "halo"}
    if choice == 16:
        return [hostile_value(rng, depth + 1) for _ in range(rng.randint(1, 3))]
    return {hostile_text(rng)[:20]: hostile_value(rng, depth + 1)}


def wrong_type(rng: random.Random) -> Any:
    """A value of any JSON type but a string."""
    while isinstance(value := hostile_value(rng), str):
        pass
    return value


# fmt: off
JUNK_JSON = (
    b"", b" ", b"null", b"[]", b"1", b'"text"', b"{", b'{"text": "halo",}', b"{'text': 'x'}",
    b'{"text": "halo"} trailing', b'\xef\xbb\xbf{"text": "halo"}', b"NaN", b"-Infinity",
    b'{"text": "halo" /* c */}', b'{"text": "\\ud800"', b'{"text": "\\x00"}', b'{"text": "\\u00"}',
    b'{"text": "\xff\xfe"}', b'{"text": "\xed\xa0\x80"}', b'{"text": "halo"}\x00',
    b"\x00\x00\x00{", '{"text": "halo"}'.encode("utf-16"), b'{"text": "ha\nlo"}',
)
# fmt: on


def random_bytes(rng: random.Random) -> bytes:
    return rng.randbytes(rng.choice([0, 1, 7, 64, 200, 1000, 1000, 60_000, 70_000, 300_000]))


def header_safe(value: str) -> str:
    """Keep what a header can carry (aiohttp's parser refuses the rest before the app sees it)."""
    kept = (c for c in value if c == "\t" or (" " <= c != "\x7f" and not "\ud800" <= c <= "\udfff"))
    return "".join(kept).strip() or "x"


# ----- requests -----------------------------------------------------------------------------------


@dataclass
class FuzzRequest:
    """One request of a fuzz run; `describe` is what a failure report shows."""

    family: str
    method: str
    path: str  # already percent-encoded; sent as is
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    chunks: int = 0  # > 0: sent with chunked transfer encoding, in this many pieces
    raw: bytes | None = None  # a whole hand-written HTTP request (sent by `send_raw`)
    note: dict[str, Any] = field(default_factory=dict)  # what the generator meant

    def describe(self, limit: int = 600) -> str:
        body = self.raw if self.raw is not None else self.body
        shown = "None" if body is None else repr(body[:limit])
        if body is not None and len(body) > limit:
            shown += f"… ({len(body)} bytes)"
        return (
            f"[{self.family}] {self.method} {self.path[:200]!r} headers={self.headers!r} "
            f"chunks={self.chunks} note={self.note!r} body={shown}"
        )


def pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


# ----- web chat -----------------------------------------------------------------------------------

COLLIDING_IDS = ("1", "m1", "dup", "x" * 128, "a.b:c-d_e")  # used by every conversation
FIELDS = ("text", "payload", "message_id", "language")
# fmt: off
CONTENT_TYPES = (
    "text/plain", "application/json; charset=bogus", "application/json; charset=latin-1",
    "application/json; charset=utf-16", "application/json; charset=UTF-8", "application/JSON",
    "application/json;charset=utf8", "", "multipart/form-data; boundary=x",
    "application/x-www-form-urlencoded", "application/json, text/plain",
    'application/json; charset="utf-8"', "application/json; charset=utf_8",
    "application/ld+json", "application/json; charset=ascii",
)
# fmt: on


def token_headers(rng: random.Random, tokens: list[str]) -> tuple[dict[str, str], str]:
    """Headers carrying a token, and whether it is valid, invalid, made-up or unclear."""
    token, other = rng.choice(tokens), rng.choice(tokens)  # `other`: someone else's
    made_up = f"{rng.getrandbits(256):043x}"[-43:]  # well-formed, never issued
    # fmt: off
    kind = pick(rng, {"bearer": 55, "cookie": 10, "padded": 4, "missing": 5, "malformed": 8,
                      "made-up": 6, "scheme": 4, "header-wins": 3, "cookie-junk": 3})
    if kind == "bearer":
        return {"Authorization": f"Bearer {other if rng.random() < 0.5 else token}"}, "valid"
    if kind == "cookie":
        return {"Cookie": f"chat_token={token}"}, "valid"
    if kind == "padded":  # whitespace around the token is not part of it
        value = rng.choice([f"Bearer {token}  ", f"Bearer   {token}", f"bearer {token}",
                            f"BEARER {token}\t"])
        return {"Authorization": value}, "valid"
    if kind == "missing":
        return {}, "invalid"
    if kind == "malformed":
        value = rng.choice(["", "x", token[:-1], token + "A", token[:-1] + "!", token[:-1] + "é",
                            token + " " + token, "A" * 4000])
        return {"Authorization": f"Bearer {value}"}, "invalid"
    if kind == "made-up":
        return {"Authorization": f"Bearer {made_up}"}, "made-up"
    if kind == "scheme":
        value = rng.choice([f"Basic {token}", f"Token {token}", "Bearer", f"Bearer\t{token}",
                            token])
        return {"Authorization": value}, "invalid"
    if kind == "header-wins":  # a header, even a bad one, is used before the cookie
        return {"Authorization": "Bearer nope", "Cookie": f"chat_token={token}"}, "invalid"
    value = rng.choice([f'chat_token="{token}"', f"chat_token={token}x", "chat_token=",
                        f"other={token}", f"chat_token={token}; chat_token={other}",
                        "chat_token=%00", f"chat_token={made_up}", f"chat_token={token}%0A",
                        f"chat_token= {token} "])
    # fmt: on
    return {"Cookie": value}, "unclear"


def valid_message(rng: random.Random) -> dict[str, Any]:
    body: dict[str, Any] = {"text": rng.choice(PHRASES)}
    roll = rng.random()
    if roll < 0.45:
        body["message_id"] = rng.choice(COLLIDING_IDS)
    elif roll < 0.8:
        body["message_id"] = f"m-{rng.getrandbits(48):x}"
    if rng.random() < 0.3:
        body["language"] = rng.choice(["id", "en"])
    return body


def message_body(rng: random.Random) -> tuple[str, bytes, dict[str, str], int]:
    """A POST /api/messages body: (family, bytes, headers, chunks)."""
    # About one body in twenty passes validation and reaches the database (and Rasa).
    # fmt: off
    family = pick(rng, {
        "valid-text": 0.6, "valid-payload": 0.4, "payload-junk": 1, "field-types": 24,
        "extra-fields": 8, "duplicate-keys": 1.2, "hostile-text": 1.5, "random-bytes": 8,
        "deep": 6, "huge-numbers": 7, "json-syntax": 9, "content-type": 4,
        "content-encoding": 1, "oversize": 1.5, "chunked": 0.6,
    })
    # fmt: on
    headers, chunks = {"Content-Type": "application/json"}, 0
    value: Any = valid_message(rng)
    if family == "valid-payload":  # the echo answer of the fake Rasa offers /ask_quota
        value = {"payload": "/ask_quota"}
        if rng.random() < 0.3:
            value["message_id"] = rng.choice(COLLIDING_IDS)
    elif family == "payload-junk":
        value = {"payload": rng.choice([*PAYLOADS, hostile_text(rng)])}
    elif family == "field-types":  # strings in `text` are the hostile-text family's
        for name in rng.sample(FIELDS, rng.randint(1, 3)):
            value[name] = wrong_type(rng) if name == "text" else hostile_value(rng)
        if rng.random() < 0.5:
            value.pop(rng.choice(["text", "payload"]), None)
    elif family == "extra-fields":
        names = ["sender", "extra", "", "__proto__", "TEXT", "text ", "recipient_id", "metadata"]
        for _ in range(rng.randint(1, 3)):
            value[rng.choice([*names, hostile_text(rng)[:30]])] = hostile_value(rng)
    elif family == "duplicate-keys":
        items = list(value.items())
        items.insert(rng.randrange(len(items) + 1), (rng.choice(FIELDS), hostile_value(rng)))
        value = Pairs(tuple(items))
    elif family == "hostile-text":
        value["text"] = hostile_text(rng)
    elif family == "deep":
        value = rng.choice([deep(rng), {"text": deep(rng)}, {"text": "x", "language": deep(rng)}])
    elif family == "huge-numbers":
        raw = Raw(rng.choice(HUGE_NUMBERS))
        value = rng.choice([raw, {"text": raw}, {"text": "x", "message_id": raw}, [raw]])
    elif family == "random-bytes":
        return family, random_bytes(rng), rng.choice([headers, {}]), 0
    elif family == "json-syntax":
        return family, rng.choice(JUNK_JSON), headers, 0
    elif family == "oversize":
        value = rng.choice([{"text": "x" * 70_000}, {"text": "halo", "pad": "y" * 66_000}])
    elif family == "chunked":
        chunks = rng.choice([2, 3, 17, 100])
    data = to_bytes(rng, value)
    if family == "content-type":
        headers["Content-Type"] = rng.choice(CONTENT_TYPES)
        charset = re.search(r"charset=\"?([\w-]+)", headers["Content-Type"])
        if charset and charset[1] in ("latin-1", "utf-16") and rng.random() < 0.7:
            data = encode(value).encode(charset[1], "replace")
        if rng.random() < 0.2:
            headers = {}
    elif family == "content-encoding":
        kind = rng.choice(["gzip", "deflate", "br", "gzip, identity", "bogus"])
        headers["Content-Encoding"] = kind
        if kind == "gzip" and rng.random() < 0.3:
            data = gzip.compress(data)  # valid, then the body is read as usual
        elif rng.random() < 0.7:
            data = random_bytes(rng)[:500] or b"\x00"
    return family, data, headers, chunks


# fmt: off
AFTER_GOOD = ("after=0", "after=1", "after=5", "after=999999999999999999", "", "after=00")
AFTER_BAD = (
    "after=-1", "after=", "after=abc", "after=1e3", "after=%201", "after=1%20", "after=0x10",
    "after=9999999999999999999", "after=" + "9" * 30, "after=%00", "after=%ff",
    "after=1&after=x", "after=x&after=1", "after=1.5", "after=%EF%BC%91", "after=" + "1" * 5000,
    "after[]=1", "after=%2B1",
)
# fmt: on


def webchat_request(rng: random.Random, tokens: list[str]) -> FuzzRequest:
    """A request to one of the web chat API routes, with one of the conversations' tokens."""
    headers, token = token_headers(rng, tokens)
    route = pick(rng, {"post": 94, "get": 3, "new": 3})
    if route == "get":
        good = rng.random() < 0.5
        query = rng.choice(AFTER_GOOD if good else AFTER_BAD)
        path = "/api/messages" + (f"?{query}" if query else "")
        return FuzzRequest("poll", "GET", path, headers, note={"token": token, "after_ok": good})
    family, data, extra, chunks = message_body(rng)
    if route == "new":
        method = rng.choice(["POST"] * 8 + ["GET", "PUT"])
        return FuzzRequest(f"new-{family}", method, "/api/conversations", headers, data)
    request = FuzzRequest(family, "POST", "/api/messages", {**headers, **extra}, data, chunks)
    request.note["token"] = token
    if family == "content-encoding":  # aiohttp refuses some encodings itself, in plain text
        request.note["malformed_http"] = True
    return request


# ----- Telegram webhook ---------------------------------------------------------------------------

# fmt: off
_USER = {"id": 1111111, "is_bot": False, "first_name": "Test Firstname",
         "last_name": "Test Lastname", "username": "Testusername"}
_CHAT = {"id": 1111111, "type": "private", "first_name": "Test Firstname",
         "last_name": "Test Lastname", "username": "Testusername"}
_MSG = {"message_id": 1365, "date": 1441645532, "chat": _CHAT, "from": _USER}
_BOT = {"id": 7000001, "is_bot": True, "first_name": "Asisten Paspor",
        "username": "paspor_test_bot"}
_FILE = {"file_id": "AwADBAADbXXXXXXXXXXXGBdhD2l6_XX", "file_size": 23000}
# The shapes of the reference payloads (the Bot API's webhook examples, Rasa's fixtures), the
# first one as documented (`from` without is_bot, `chat` without type); our buttons last.
SEEDS: tuple[dict[str, Any], ...] = (
    {"message": {**_MSG, "text": "/start", "from": {"id": 1111111, "first_name": "Test"},
                 "chat": {"id": 1111111, "first_name": "Test"}}},
    {"message": {**_MSG, "text": "/start"}},
    {"message": {**_MSG, "text": "kapan kuota dibuka?"}},
    {"message": {**_MSG, "text": "/start", "forward_date": 1441645550,
                 "forward_from": {"id": 222222, "first_name": "Forward Firstname"}}},
    {"message": {**_MSG, "text": "/help", "reply_to_message": {
        "date": 1441645000, "message_id": 1334, "text": "Original", "from": _BOT,
        "chat": {"id": 1111112, "type": "private", "first_name": "Reply Firstname"}}}},
    {"message": {**_MSG, "text": "Bold and italics", "entities": [
        {"type": "italic", "offset": 9, "length": 7}, {"type": "bold", "offset": 0, "length": 4}]}},
    {"message": {**_MSG, "audio": {**_FILE, "duration": 243, "title": "Test music file"}}},
    {"message": {**_MSG, "voice": {**_FILE, "duration": 5, "mime_type": "audio/ogg"}}},
    {"message": {**_MSG, "document": {**_FILE, "file_name": "Testfile.pdf"}}},
    {"message": {**_MSG, "location": {"latitude": -0.0263, "longitude": 109.3425}}},
    {"message": {**_MSG, "text": "@paspor_test_bot jam buka?",
                 "entities": [{"type": "mention", "offset": 0, "length": 16}]}},
    {"message": {**_MSG, "text": "/bahasa@paspor_test_bot",
                 "entities": [{"type": "bot_command", "offset": 0, "length": 23}]}},
    {"edited_message": {**_MSG, "text": "Hello!", "edit_date": 1621580124,
                        "from": {**_USER, "is_bot": "False"}}},
    {"inline_query": {"id": 134567890097, "from": _USER, "query": "inline query", "offset": ""}},
    {"chosen_inline_result": {"result_id": "12", "from": _USER, "query": "inline query",
                              "inline_message_id": "1234csdbsk4839"}},
    {"callback_query": {"id": "4382bfdwdsb323b2d9", "from": _USER,
                        "data": "Data from button callback",
                        "inline_message_id": "1234csdbsk4839"}},
    {"callback_query": {"id": "q1", "from": _USER, "chat_instance": "42", "data": "b:1:0",
                        "message": {**_MSG, "from": _BOT, "text": "Ada lagi?"}}},
    {"callback_query": {"id": "q2", "from": _USER, "chat_instance": "43", "data": "b:2:0",
                        "message": {**_MSG, "from": _BOT, "date": 0, "text": "Kuota"}}},
)
UNKNOWN_KINDS = ("edited_message", "inline_query", "my_chat_member", "poll", "channel_post", "")
INT_FIELDS = frozenset({"update_id", "message_id", "date", "id", "offset", "length"})
# What check_update validates: most faults there are skipped before any database work.
CHECKED = frozenset({
    "update_id", "message", "callback_query", "chat", "id", "type", "message_id", "date", "text",
    "caption", "entities", "offset", "length", "from", "reply_to_message", "location", "data",
})
# fmt: on


def _paths(value: Any, path: tuple = ()) -> list[tuple]:
    found = [path]
    if isinstance(value, dict):
        for key, child in value.items():
            found.extend(_paths(child, (*path, key)))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found.extend(_paths(child, (*path, index)))
    return found


def _wrong_int(rng: random.Random) -> Any:
    """For an integer field: out of range, a bool, a float, a string, or in range but wrong."""
    return rng.choice([
        True, False, -1, -(2**63), 2**63, 2**64, 10**20, 10**130, 10**200, 1.0, "1", None,
        Raw("1e999"), Raw("9" * 4200), [1], {"id": 1}, rng.randint(0, 60), 0,
    ])  # fmt: skip


def mutate_update(rng: random.Random, data: dict[str, Any]) -> Any:
    """Put 1-3 faults at random paths of `data` (changed in place) and return it."""
    for _ in range(rng.choice([1, 2, 2, 3])):
        paths = [p for p in _paths(data) if p]
        if not paths:
            break
        checked = [p for p in paths if p[-1] in CHECKED]
        path = rng.choice(checked if checked and rng.random() < 0.95 else paths)
        parent = data
        for step in path[:-1]:
            parent = parent[step]
        key, op = path[-1], rng.randrange(7)
        if op == 0 and isinstance(parent, dict):
            del parent[key]  # missing chat, from, message_id…
        elif op == 1 and isinstance(parent, dict):
            parent[rng.choice([*UNKNOWN_KINDS, "text", "from", "chat"])] = hostile_value(rng)
        elif op == 2 or (key in INT_FIELDS and op < 5):
            parent[key] = _wrong_int(rng)
        elif op == 3 and key == "text":
            parent[key] = rng.choice([5, ["a"], None, {"t": 1}, hostile_text(rng)])
        elif op == 4:
            parent[key] = rng.choice([[parent[key]], {"v": parent[key]}, None, deep(rng)])
        else:
            parent[key] = hostile_value(rng)
    return data


def seed_update(rng: random.Random, chats: tuple[int, ...], seen: list[int]) -> dict[str, Any]:
    """A seed with a fresh update id (sometimes a seen one), a chat of `chats`, button data."""
    update = json.loads(json.dumps(rng.choice(SEEDS)))  # a deep copy
    update_id = rng.choice(seen) if seen and rng.random() < 0.05 else 10_000 + len(seen)
    seen.append(update_id)
    update["update_id"] = update_id
    chat_id = rng.choice(chats)
    for body in update.values():
        if not isinstance(body, dict):
            continue
        message = body.get("message", body)
        if isinstance(message.get("chat"), dict) and "type" in message["chat"]:
            kind = "private" if chat_id > 0 else "supergroup"
            message["chat"] = {"id": chat_id, "type": kind, "title": "Grup Warga"}
        if "data" in body and "message" in body:
            body["data"] = rng.choice([
                f"b:{rng.randint(1, 60)}:{rng.randint(0, 1)}", "b:1:0", "b:0:0", "b:-1:0",
                "b:" + "9" * rng.choice([18, 19, 20, 40, 60]) + ":0", "b:\u00b2:0", "b:1:0:0",
                "", "x" * 65, hostile_text(rng)[:64], "b:1", "b::", "b:\u0661:\u0660",
            ])  # fmt: skip
    return update


def secret_header(rng: random.Random, secret: str, name: str) -> tuple[dict[str, str], str]:
    """The secret header, and whether the secret is right, wrong or unclear."""
    kind = pick(rng, {"right": 85, "padded": 2, "lower": 3, "wrong": 4, "missing": 3, "near": 3})
    if kind == "right":
        return {name: secret}, "right"
    if kind == "padded":
        return {name: f" {secret}  "}, "unclear"
    if kind == "lower":
        return {name.lower(): secret}, "right"  # header names are case-insensitive
    if kind == "missing":
        return {}, "wrong"
    if kind == "near":
        near = rng.choice([secret[:-1], secret + "x", secret.upper(), "é" + secret])
        return {name: near}, "wrong"
    return {name: header_safe(hostile_text(rng)[:100])}, "unclear"


def telegram_request(
    rng: random.Random, chats: tuple[int, ...], seen: list[int], *, path: str, secret: str,
    header: str,
) -> FuzzRequest:  # fmt: skip
    """A POST to the webhook: a mutated seed mostly, garbage sometimes."""
    headers, kind = secret_header(rng, secret, header)
    headers["Content-Type"] = "application/json"
    family = pick(rng, {
        "mutated": 70, "seed": 1, "json-syntax": 8, "random-bytes": 6, "deep": 4,
        "update-id": 4, "content-type": 2, "oversize": 1.5, "not-an-object": 1.5,
    })  # fmt: skip
    update: Any = seed_update(rng, chats, seen)
    if family == "mutated":
        update = mutate_update(rng, update)
    elif family == "update-id":
        update["update_id"] = rng.choice([
            -1, -(2**63), 2**63, 10**20, 10**129, True, None, 1.0, "10001", Raw("1e999"),
            Raw("9" * 5000),
        ])  # fmt: skip
    elif family == "deep":
        update["message"] = deep(rng)
    elif family == "oversize":
        update.setdefault("message", {})["text"] = "x" * 270_000
    elif family == "not-an-object":
        update = rng.choice([[update], "update", 10_000, None, True])
    data = to_bytes(rng, update)
    if family == "json-syntax":
        data = rng.choice(JUNK_JSON)
    elif family == "random-bytes":
        data = random_bytes(rng)
    elif family == "content-type":
        headers["Content-Type"] = rng.choice(CONTENT_TYPES)
    return FuzzRequest(family, "POST", path, headers, data, note={"secret": kind})


# ----- any method, any path; hand-written HTTP ----------------------------------------------------

# fmt: off
PATHS = (
    "/", "/static/chat.js", "/static/chat.css", "/static/index.html", "/static/", "/static/x.js",
    "/static/../pyproject.toml", "/static/%2e%2e/%2e%2e/app.py", "/static//etc/passwd",
    "/healthz", "/healthz/", "/api", "/api/", "/api/messages/", "/api/conversations/1",
    "/api/Messages", "/API/MESSAGES", "/telegram/webhook/", "/telegram", "/telegram/x",
    "/admin", "/.env", "/%00", "/api/%00", "/index.html", "//api/messages", "/api/messages;x",
    "/api/messages%2f", "/static/%ff", "/?q=%ff", "/api/messages?after=1", "/telegram/webhook",
    "/api/conversations", "/api/messages", "/static/chat.js?v=%00", "/static/%5c..%5cx",
)
METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "PROPFIND", "LOCK")
PATH_CHARS = "abcxyz/._-~?&=;:@!$'()*+," + "%20%2F%00%ff%zz%C3%A9"
# fmt: on


def route_request(rng: random.Random) -> FuzzRequest:
    """Any method on any path, known or not, with or without a body."""
    note: dict[str, Any] = {}
    roll = rng.random()
    if roll < 0.7:
        path = rng.choice(PATHS)
    elif roll < 0.9:
        path = "/" + "".join(rng.choice(PATH_CHARS) for _ in range(rng.randint(0, 60)))
    else:  # past aiohttp's request-line limit: refused by the parser, in plain text
        path, note["malformed_http"] = "/" + "a" * rng.choice([4000, 8189, 9000, 20_000]), True
    method = rng.choice(METHODS)
    if rng.random() < 0.03:
        method, note["malformed_http"] = rng.choice(["BREW", "get", "X" * 40]), True
    body = None
    if method not in ("GET", "HEAD") or rng.random() < 0.2:
        body = rng.choice([b"", b"{}", b'{"text": "halo"}', random_bytes(rng)[:2000]])
    family = "raw-path" if note.get("malformed_http") else "method-path"
    return FuzzRequest(family, method, path, {"Content-Type": "application/json"}, body, note=note)


def raw_request(rng: random.Random, token: str, secret_line: str) -> FuzzRequest:
    """A hand-written HTTP/1.1 request with a protocol-level fault (or none, as a control)."""
    target = rng.choice(["/api/messages", "/api/conversations", "/telegram/webhook", "/healthz",
                         "/", "/api/messages?after=1"])  # fmt: skip
    method = "GET" if target in ("/healthz", "/", "/api/messages?after=1") else "POST"
    body = to_bytes(rng, valid_message(rng) if rng.random() < 0.7 else hostile_value(rng))
    auth = rng.choice([f"Authorization: Bearer {token}", secret_line, ""])
    head = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1", "Connection: close",
            "Content-Type: application/json"] + ([auth] if auth else [])  # fmt: skip
    fault, half_close = rng.randrange(11), False
    if fault == 8 and rng.random() < 0.25:  # an early 413, then the next request on that socket
        body = b"[" * rng.choice([70_000, 140_000, 200_000, 300_000])
        target = rng.choice(["/api/messages", "/telegram/webhook"])
        head = [f"POST {target} HTTP/1.1", *head[1:]]
        head = [line for line in head if line != "Connection: close"]
        head.append(f"Content-Length: {len(body)}")
        request = _raw("POST", target, head, body, half_close=False)
        request.note["then"] = b"GET /static/chat.css HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        return request
    # fmt: off
    if fault == 0:
        head[0] = rng.choice(["BREW / HTTP/1.1", "GET / HTTP/9.9", "GET /\x00 HTTP/1.1",
                              "GET " + "/a" * 5000 + " HTTP/1.1", "GET  / HTTP/1.1",
                              "get / http/1.1", "\x16\x03\x01\x00\xa5"])
    elif fault == 1:
        head.append(f"Authorization: Bearer\r\n {token}")  # obsolete line folding
    elif fault == 2:  # a token with a control character after it, non-UTF-8 values
        head.append(rng.choice([f"Authorization: Bearer {token}\x00", "Bad Header: x",
                                f"Authorization: Bearer {token}\x0b",
                                "X-Telegram-Bot-Api-Secret-Token: \xff\xfe",
                                "Authorization: Bearer \xe9" + token[1:]]))
    elif fault == 3:
        head.append(rng.choice(["Content-Length: -1", "Content-Length: 1, 2", "Content-Length: x",
                                "Content-Length: 99999999999999999999999",
                                f"Content-Length: {len(body)}\r\nContent-Length: {len(body) + 1}",
                                "Transfer-Encoding: chunked\r\nContent-Length: 3"]))
    elif fault == 4:
        head.append("Transfer-Encoding: chunked")
        body = rng.choice([b"zz\r\nabc\r\n0\r\n\r\n", b"ffffffffffffffffff\r\nx\r\n",
                           b"3\r\nabcdef\r\n0\r\n\r\n", b'5\r\n{"a":\r\n'])
        half_close = body.endswith(b":\r\n")
    elif fault == 5:  # shorter than announced, then the client stops sending
        head.append(f"Content-Length: {len(body) + rng.randint(1, 1000)}")
        half_close = True
    elif fault == 6:
        head.append("X-Filler: " + "a" * rng.choice([8000, 9000, 70_000]))
    elif fault == 7:
        head.append("Content-Encoding: " + rng.choice(["gzip", "deflate"]))
        body = rng.choice([b"\x1f\x8b\x08\x00garbage", b"\x78\x9cgarbage",
                           gzip.compress(body)[:-4]])
    elif fault == 9:  # the credentials themselves are not UTF-8 (latin-1 bytes on the wire)
        target = rng.choice(["/api/messages", "/telegram/webhook", "/api/messages?after=1"])
        method = "GET" if "?" in target else "POST"
        head = [f"{method} {target} HTTP/1.1", *head[1:4], rng.choice([
            "X-Telegram-Bot-Api-Secret-Token: \xff\xfe", "Authorization: Bearer \xff" + token[1:],
            "X-Telegram-Bot-Api-Secret-Token: \xe9t\xe9", "Cookie: chat_token=\xe9" + token[1:],
        ])]
    # fmt: on
    if not any(line.lower().startswith(("content-length", "transfer-encoding")) for line in head):
        head.append(f"Content-Length: {len(body)}")
    return _raw(method, target, head, body, half_close=half_close)


def _raw(
    method: str, target: str, head: list[str], body: bytes, *, half_close: bool
) -> FuzzRequest:
    data = "\r\n".join(head).encode("latin-1", "replace") + b"\r\n\r\n" + body
    return FuzzRequest("raw-http", method, target, raw=data, note={"half_close": half_close})


@dataclass(frozen=True)
class RawAnswer:
    """An answer as read off the socket (or from the client, in the same shape)."""

    status: int | None  # None: the connection closed without an answer
    headers: dict[str, str]
    body: bytes
    hung: bool = False  # the server neither answered everything nor closed the connection


async def _read_to_end(reader: asyncio.StreamReader, chunks: list[bytes]) -> None:
    while chunk := await reader.read(65536):
        chunks.append(chunk)


async def _read_answer(reader: asyncio.StreamReader) -> bytes:
    head = await reader.readuntil(b"\r\n\r\n")
    length = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
    return head + await reader.readexactly(int(length[1]) if length else 0)


async def send_raw(
    host: str, port: int, data: bytes, *, half_close: bool, then: bytes | None = None
) -> RawAnswer:
    """Write the bytes and read until the server closes (3 s at most: then it `hung`).

    With `then`, the first answer is read, `then` is sent on the same connection, and its
    answer (or the connection's end) must come within a second.
    """
    reader, writer = await asyncio.open_connection(host, port)
    chunks: list[bytes] = []
    hung = False
    try:
        writer.write(data)
        await writer.drain()
        if half_close and writer.can_write_eof():
            writer.write_eof()
        if then is not None:
            chunks.append(await asyncio.wait_for(_read_answer(reader), timeout=3))
            writer.write(then)
            await writer.drain()
            chunks.append(await asyncio.wait_for(_read_answer(reader), timeout=1))
        else:
            await asyncio.wait_for(_read_to_end(reader, chunks), timeout=3)
    except asyncio.TimeoutError:
        hung = True
    except (ConnectionError, asyncio.IncompleteReadError):
        pass  # closed: a server may close a connection after refusing a request
    finally:
        writer.close()
    received = b"".join(chunks)
    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) < 2 or not parts[1].isdigit():
        return RawAnswer(None, {}, received, hung)
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("content-length", "").isdigit():  # what follows is the next answer
        body = body[: int(headers["content-length"])]
    return RawAnswer(int(parts[1]), headers, body, hung)
