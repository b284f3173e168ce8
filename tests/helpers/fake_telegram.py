"""A fake Telegram Bot API server that the real python-telegram-bot talks to via its base URL.

It keeps the published contract (https://core.telegram.org/bots/api) for the methods we use and
refuses what a real server refuses, with Telegram's status codes and descriptions, so that a
test catches our mistakes instead of hiding them:

- sendMessage: `text` must be 1-4096 characters (UTF-16 code units) after entities parsing;
  with `parse_mode=HTML` only Telegram's tags, properly nested, and `<` only as a tag (the
  server's HTML parser is lenient about a bare `&` or `>`, like the real one); `reply_markup`
  a JSON object whose inline buttons carry exactly one action, `callback_data` 1-64 bytes;
- a blocked chat gets 403 "Forbidden: bot was blocked by the user";
- getUpdates confirms the updates below `offset` and answers 409 while a webhook is set;
- setWebhook wants an HTTPS URL on port 443, 80, 88 or 8443 and a secret of 1-256 of
  `A-Z a-z 0-9 _ -`.

On top of that it records every call, fails on demand (`fail_next`: 429 with
`parameters.retry_after`, 5xx, 403...) and can hold a method's requests (`hold`) to stand for a
call in flight.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

BOT_USER = {
    "id": 7000001,
    "is_bot": True,
    "first_name": "Asisten Paspor",
    "username": "paspor_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
JSON_FIELDS = frozenset({"reply_markup", "allowed_updates", "entities", "link_preview_options"})
MAX_TEXT = 4096  # sendMessage: 1-4096 characters after entities parsing
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER = 200
WEBHOOK_PORTS = frozenset({443, 80, 88, 8443})
SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
# The HTML tags of https://core.telegram.org/bots/api#html-style
HTML_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a",
     "tg-emoji", "code", "pre", "blockquote"}
)  # fmt: skip
INLINE_ACTIONS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
    "callback_game", "pay",
)  # fmt: skip
_TAG = re.compile(
    r"<(/?)([A-Za-z][A-Za-z0-9-]*)"
    r"((?:\s+[A-Za-z-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>\"']+))?)*)\s*>"
)
_ATTRIBUTE = re.compile(r"([A-Za-z-]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>\"']+)))?")
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#[0-9]{1,7}|#x[0-9A-Fa-f]{1,6});")


class ApiError(Exception):
    """A request the real Bot API would refuse: HTTP status and Telegram's description."""

    def __init__(self, status: int, description: str, parameters: dict | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


def bad_request(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


def entities_error(reason: str) -> ApiError:
    return bad_request(f"can't parse entities: {reason}")


def utf16_length(text: str) -> int:
    """Return the length Telegram counts (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def parse_html(text: str) -> str:
    """Return the text after Telegram's HTML entities parsing; ApiError where it fails."""
    out: list[str] = []
    open_tags: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "&" and (entity := _ENTITY.match(text, i)):
            out.append(html.unescape(entity.group(0)))
            i = entity.end()
            continue
        if char != "<":
            out.append(char)
            i += 1
            continue
        offset = len(text[:i].encode())
        tag = _TAG.match(text, i)
        if tag is None:
            raise entities_error(f"Unclosed start tag at byte offset {offset}")
        closing, name, attributes = tag.group(1), tag.group(2).lower(), tag.group(3)
        if name not in HTML_TAGS:
            raise entities_error(f'Unsupported start tag "{name}" at byte offset {offset}')
        if closing:
            if not open_tags or open_tags[-1] != name:
                expected = f'"</{open_tags[-1]}>"' if open_tags else "none"
                raise entities_error(f'Unmatched end tag at byte offset {offset}, expected '
                                     f'{expected}, found "</{name}>"')  # fmt: skip
            open_tags.pop()
        else:
            values = {
                m[1].lower(): m[2] or m[3] or m[4] or "" for m in _ATTRIBUTE.finditer(attributes)
            }
            if name == "span" and values.get("class") != "tg-spoiler":
                raise entities_error(f'Tag "span" must have class "tg-spoiler" at {offset}')
            open_tags.append(name)
        i = tag.end()
    if open_tags:
        unclosed = open_tags[-1]
        raise entities_error(f'Can\'t find end tag corresponding to start tag "{unclosed}"')
    return "".join(out)


def check_reply_markup(markup: Any) -> None:
    """Raise ApiError unless `markup` is a keyboard object the Bot API accepts."""
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        if not {"keyboard", "remove_keyboard", "force_reply"} & set(markup):
            raise bad_request("can't parse reply keyboard markup JSON object")
        return
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('can\'t parse inline keyboard: field "inline_keyboard" must be an Array')
    for button in (button for row in rows for button in row):
        if not isinstance(button, dict) or not isinstance(button.get("text"), str):
            raise bad_request('can\'t parse inline keyboard button: Field "text" must be a String')
        if not button["text"].strip():
            raise bad_request("can't parse inline keyboard button: Text must be non-empty")
        actions = [name for name in INLINE_ACTIONS if name in button]
        if not actions:
            raise bad_request(
                "can't parse inline keyboard button: Text buttons are unallowed in the inline "
                "keyboard"
            )
        if len(actions) > 1:
            raise bad_request("can't parse inline keyboard button: exactly one field must be set")
        data = button.get("callback_data")
        if "callback_data" in button and not (
            isinstance(data, str) and 1 <= len(data.encode()) <= MAX_CALLBACK_DATA_BYTES
        ):
            raise bad_request("BUTTON_DATA_INVALID")
        url = button.get("url")
        if "url" in button and not (
            isinstance(url, str) and url.startswith(("https://", "http://", "tg://"))
        ):
            raise bad_request("BUTTON_URL_INVALID")


def _chat_id(value: Any) -> int | str:
    text = str(value if value is not None else "")
    if re.fullmatch(r"-?\d{1,20}", text):
        return int(text)
    if re.fullmatch(r"@[A-Za-z][A-Za-z0-9_]{3,31}", text):
        return text
    raise bad_request("chat not found")


def _integer(params: dict[str, Any], name: str, default: int, low: int, high: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError) as exc:
        raise bad_request(f"{name} must be an integer") from exc
    return min(max(value, low), high)


@dataclass
class Call:
    method: str
    params: dict[str, Any]


@dataclass
class FakeTelegram:
    """Records calls; `fail_next` queues failures; `updates` feed getUpdates."""

    token: str
    calls: list[Call] = field(default_factory=list)
    failures: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    updates: list[dict[str, Any]] = field(default_factory=list)
    webhook: dict[str, Any] = field(default_factory=dict)
    blocked: set[int] = field(default_factory=set)  # chats whose user blocked the bot
    held: set[str] = field(default_factory=set)  # methods whose requests wait (`hold`)
    url: str = ""

    def __post_init__(self) -> None:
        self._ids = itertools.count(500)
        self._changed = asyncio.Event()

    @property
    def base_url(self) -> str:
        """The TELEGRAM_API_URL that points PTB here."""
        return f"{self.url}/bot"

    @property
    def file_url(self) -> str:
        return f"{self.url}/file/bot"

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._dispatch)
        return app

    # ----- controls for tests ------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        status: int,
        description: str = "",
        *,
        retry_after: int | None = None,
        after: int = 0,
    ) -> None:
        """Make a call of `method` fail with this HTTP status (after `after` successful ones)."""
        parameters = {"retry_after": retry_after} if retry_after is not None else None
        failure = {"status": status, "description": description, "parameters": parameters}
        self.failures.setdefault(method, []).append({**failure, "after": after})

    def hold(self, method: str) -> None:
        """Keep requests of `method` waiting (recorded, unanswered) until `release`."""
        self.held.add(method)

    def release(self, method: str) -> None:
        self.held.discard(method)

    def push_update(self, update: dict[str, Any]) -> None:
        """Queue an update for getUpdates (call on the server's event loop)."""
        self.updates.append(update)
        self._changed.set()

    def calls_of(self, method: str) -> list[dict[str, Any]]:
        return [call.params for call in list(self.calls) if call.method == method]

    def sent_texts(self) -> list[str]:
        return [params["text"] for params in self.calls_of("sendMessage")]

    async def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> None:
        """Wait until `method` was called `count` times (successful or not)."""

        async def _wait() -> None:
            while len(self.calls_of(method)) < count:
                self._changed.clear()
                await self._changed.wait()

        try:
            await asyncio.wait_for(_wait(), timeout)
        except asyncio.TimeoutError:
            calls = [call.method for call in self.calls]
            raise AssertionError(f"{method} called {len(self.calls_of(method))} times, not "
                                 f"{count}; calls: {calls}") from None  # fmt: skip

    def wait_for_blocking(self, method: str, count: int = 1, timeout: float = 10.0) -> None:
        """`wait_for` from another thread than the server's (a subprocess test)."""
        deadline = time.monotonic() + timeout
        while len(self.calls_of(method)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{method} called {len(self.calls_of(method))} times")
            time.sleep(0.02)

    # ----- the Bot API -------------------------------------------------------------------

    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            body = await request.json()
            if not isinstance(body, dict):
                raise bad_request("request body must be a JSON object")
            return body
        form = await request.post()
        params: dict[str, Any] = {**request.query}
        for key, value in form.items():
            if key in JSON_FIELDS:
                try:
                    params[key] = json.loads(str(value))
                except ValueError as exc:
                    raise bad_request(f"can't parse {key} JSON object") from exc
            else:
                params[key] = str(value)
        return params

    async def _dispatch(self, request: web.Request) -> web.Response:
        if not re.fullmatch(r"\d+:[A-Za-z0-9_-]+", request.match_info["token"]):
            return _error(ApiError(404, "Not Found"))
        if request.match_info["token"] != self.token:
            return _error(ApiError(401, "Unauthorized"))
        method = request.match_info["method"]
        try:
            params = await self._params(request)
        except ApiError as exc:
            return _error(exc)
        self.calls.append(Call(method, params))
        self._changed.set()
        while method in self.held:  # noqa: ASYNC110 - released from any thread: no asyncio.Event
            await asyncio.sleep(0.02)
        queued = self.failures.get(method)
        if queued:
            if queued[0]["after"] > 0:
                queued[0]["after"] -= 1
            else:
                failure = queued.pop(0)
                status = failure["status"]
                description = failure["description"] or f"fake error {status}"
                return _error(ApiError(status, description, failure["parameters"]))
        handler = getattr(self, f"_{method}", None)
        if handler is None:
            return _error(ApiError(404, "Not Found: method not found"))
        try:
            result = await handler(params)
        except ApiError as exc:
            return _error(exc)
        return web.json_response({"ok": True, "result": result})

    async def _getMe(self, _params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        return BOT_USER

    async def _getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:  # noqa: N802
        if self.webhook.get("url"):
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        offset = _integer(params, "offset", 0, -(2**31), 2**31)
        limit = _integer(params, "limit", 100, 1, 100)
        wait = min(float(params.get("timeout") or 0), 0.5)
        if offset > 0:  # confirmed: never delivered again
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        if not self.updates and wait:
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), wait)
            except asyncio.TimeoutError:
                pass
        return [u for u in self.updates if u["update_id"] >= offset][:limit]

    async def _sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        chat_id = _chat_id(params.get("chat_id"))
        raw = params.get("text")
        if not isinstance(raw, str) or not raw:
            raise bad_request("message text is empty")
        parse_mode = params.get("parse_mode")
        if parse_mode in (None, ""):
            text = raw
        elif parse_mode == "HTML":
            text = parse_html(raw)
        elif parse_mode in ("Markdown", "MarkdownV2"):
            text = raw  # not parsed here: we only ever send HTML
        else:
            raise bad_request("unsupported parse_mode")
        if not text.strip():
            raise bad_request("message text is empty")
        if utf16_length(text) > MAX_TEXT:
            raise bad_request("message is too long")
        if "reply_markup" in params:
            check_reply_markup(params["reply_markup"])
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        numeric = chat_id if isinstance(chat_id, int) else -1001
        message: dict[str, Any] = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": {"id": numeric, "type": "private" if numeric > 0 else "supergroup"},
            "from": {k: BOT_USER[k] for k in ("id", "is_bot", "first_name", "username")},
            "text": text,
        }
        if "reply_markup" in params and "inline_keyboard" in params["reply_markup"]:
            message["reply_markup"] = params["reply_markup"]
        return message

    async def _answerCallbackQuery(self, params: dict[str, Any]) -> bool:  # noqa: N802
        if not params.get("callback_query_id"):
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        if len(str(params.get("text") or "")) > MAX_CALLBACK_ANSWER:
            raise bad_request("MESSAGE_TOO_LONG")
        return True

    async def _setWebhook(self, params: dict[str, Any]) -> bool:  # noqa: N802
        url = str(params.get("url") or "")
        if url:
            parts = urlsplit(url)
            if parts.scheme != "https" or not parts.hostname:
                raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
            if (parts.port or 443) not in WEBHOOK_PORTS:
                raise bad_request(
                    "bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443"
                )
        secret = params.get("secret_token")
        if secret is not None and not SECRET_TOKEN.fullmatch(str(secret)):
            raise bad_request("bad webhook: secret token contains unallowed characters")
        if "max_connections" in params and not (
            str(params["max_connections"]).isdigit() and 1 <= int(params["max_connections"]) <= 100
        ):
            raise bad_request("bad webhook: max_connections must be between 1 and 100")
        if str(params.get("drop_pending_updates")).lower() == "true":
            self.updates.clear()
        self.webhook = params if url else {}
        return True

    async def _deleteWebhook(self, params: dict[str, Any]) -> bool:  # noqa: N802
        if str(params.get("drop_pending_updates")).lower() == "true":
            self.updates.clear()
        self.webhook = {}
        return True

    async def _getWebhookInfo(self, _params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        info: dict[str, Any] = {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self.updates) if self.webhook else 0,
        }
        if self.webhook:
            info["max_connections"] = int(self.webhook.get("max_connections") or 40)
            if self.webhook.get("allowed_updates"):
                info["allowed_updates"] = self.webhook["allowed_updates"]
        return info


def _error(error: ApiError) -> web.Response:
    body: dict[str, Any] = {
        "ok": False,
        "error_code": error.status,
        "description": error.description,
    }
    if error.parameters:
        body["parameters"] = error.parameters
    return web.json_response(body, status=error.status)
