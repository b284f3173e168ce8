"""Rasa input channel through which the gateway (and only the gateway) talks to Rasa.

Loaded by Rasa from credentials.yml; it authenticates the gateway with a bearer token on every
route, so the Rasa server never accepts messages from anyone who merely reaches its port.

`POST /webhooks/gateway/webhook` takes `{"sender", "message", "metadata", "message_id",
"retry"}` and answers the bot's messages as a JSON list (`[]` when the turn legitimately says
nothing, e.g. a paused conversation). `message_id` (required, at most 64 of `A-Z a-z 0-9 _ . :
-`) becomes the id of the `UserUttered` event. With `"retry": true` a message whose id is
already in the conversation is not processed again: its stored answer is sent again (see
`bot.rasa_server`). With `retry` false or absent the message is always processed, even when its
id was seen before: not resending a processed message is the gateway's job.

Failures: 503 `{"error": "action server unavailable"}` when a custom action failed (nothing was
saved; retry later), 503 `{"error": "model not ready"}` while no model is loaded (Rasa would
otherwise drop the message and answer nothing), 500 `{"error": "processing failed"}` for any
other error. `GET /webhooks/gateway/` is the gateway's health check: `{"status": "ok",
"model_ready": bool}`. `POST /webhooks/gateway/parse` takes `{"text"}` and answers how the
model understands it, nothing saved: `{"intent", "confidence", "answer_selection"}` (the staff
command `python -m bot faq check` shows with it which answer each entry's questions get).
"""

from __future__ import annotations

import hmac
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.inbox.messages import MAX_TEXT_CHARS
from bot.knowledge.selection import PARSE_KEY
from bot.rasa_turns import ActionServerUnavailable, GatewayRequest, TurnFailed, gateway_request

logger = logging.getLogger(__name__)

MESSAGE_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")


def _model_ready(request: Request) -> bool:
    agent = getattr(request.app.ctx, "agent", None)
    return bool(agent is not None and agent.is_ready())


def _json_body(request: Request) -> Any:
    """The request's JSON body, or None when it is not JSON."""
    try:
        return request.json
    except Exception:  # noqa: BLE001 - sanic raises its own error types
        return None


class GatewayInput(InputChannel):
    """Synchronous JSON channel: one message in, the bot's replies out."""

    @classmethod
    def name(cls) -> str:
        return "gateway"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        token = (credentials or {}).get("token") or ""
        if not token:
            raise ValueError("the gateway channel needs a token (RASA_TOKEN)")
        return cls(token=str(token))

    def __init__(self, token: str) -> None:
        self._token = token

    def _authorised(self, request: Request) -> bool:
        header = request.headers.get("Authorization", "")
        supplied = header[7:] if header.startswith("Bearer ") else ""
        given = supplied.encode("utf-8", "surrogateescape")
        return hmac.compare_digest(given, self._token.encode())

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        gateway_webhook = Blueprint("gateway_webhook", __name__)

        @gateway_webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            if not self._authorised(request):
                return response.json({"error": "unauthorised"}, status=401)
            return response.json({"status": "ok", "model_ready": _model_ready(request)})

        @gateway_webhook.route("/parse", methods=["POST"])
        async def parse(request: Request) -> HTTPResponse:
            if not self._authorised(request):
                return response.json({"error": "unauthorised"}, status=401)
            body = _json_body(request)
            text = body.get("text") if isinstance(body, dict) else None
            if not isinstance(text, str) or not text.strip():
                return response.json({"error": "text is required"}, status=400)
            if not _model_ready(request):
                return response.json({"error": "model not ready"}, status=503)
            try:
                parsed = await request.app.ctx.agent.parse_message(text[:MAX_TEXT_CHARS])
            except Exception:  # noqa: BLE001 - same answer as a failed turn
                logger.exception("parsing a text for faq check failed")
                return response.json({"error": "processing failed"}, status=500)
            intent = parsed.get("intent") or {}
            return response.json(
                {
                    "intent": intent.get("name"),
                    "confidence": intent.get("confidence"),
                    PARSE_KEY: parsed.get(PARSE_KEY),
                }
            )

        @gateway_webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self._authorised(request):
                return response.json({"error": "unauthorised"}, status=401)
            body = _json_body(request)
            if not isinstance(body, dict):
                return response.json({"error": "body must be a JSON object"}, status=400)
            sender, text = body.get("sender"), body.get("message")
            if not isinstance(sender, str) or not sender or not isinstance(text, str):
                return response.json({"error": "sender and message are required"}, status=400)
            message_id, retry = body.get("message_id"), body.get("retry", False)
            if not isinstance(message_id, str) or not MESSAGE_ID.fullmatch(message_id):
                return response.json(
                    {"error": "message_id must be 1-64 of A-Z a-z 0-9 _ . : -"}, status=400
                )
            if not isinstance(retry, bool):
                return response.json({"error": "retry must be true or false"}, status=400)
            raw_metadata = body.get("metadata")
            metadata: dict[str, Any] = raw_metadata if isinstance(raw_metadata, dict) else {}
            if not _model_ready(request):
                return response.json({"error": "model not ready"}, status=503)
            collector = CollectingOutputChannel()
            options = gateway_request.set(GatewayRequest(message_id=message_id, retry=retry))
            try:
                await on_new_message(
                    UserMessage(
                        text[:MAX_TEXT_CHARS],
                        collector,
                        sender,
                        input_channel=str(metadata.get("channel") or self.name()),
                        message_id=message_id,
                        metadata=metadata,
                    )
                )
            except ActionServerUnavailable as exc:
                logger.warning("message %s not processed: %s", message_id, exc)
                return response.json({"error": "action server unavailable"}, status=503)
            except TurnFailed as exc:  # not saved; the gateway counts it against the budget
                logger.error("message %s not processed: %s", message_id, exc)
                return response.json({"error": "processing failed"}, status=500)
            except Exception:  # noqa: BLE001 - the gateway keeps the message and retries
                logger.exception("processing gateway message %s failed", message_id)
                return response.json({"error": "processing failed"}, status=500)
            finally:
                gateway_request.reset(options)
            return response.json(collector.messages)

        return gateway_webhook
