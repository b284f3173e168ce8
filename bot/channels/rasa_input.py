"""Rasa input channel through which the gateway (and only the gateway) talks to Rasa.

Loaded by Rasa from credentials.yml; it authenticates the gateway with a bearer token,
so the Rasa server never accepts messages from anyone who merely reaches its port.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 4096


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
        return hmac.compare_digest(supplied.encode(), self._token.encode())

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        gateway_webhook = Blueprint("gateway_webhook", __name__)

        @gateway_webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @gateway_webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self._authorised(request):
                return response.json({"error": "unauthorised"}, status=401)
            try:
                body = request.json
            except Exception:  # noqa: BLE001 - sanic raises its own error types
                body = None
            if not isinstance(body, dict):
                return response.json({"error": "body must be a JSON object"}, status=400)
            sender, text = body.get("sender"), body.get("message")
            if not isinstance(sender, str) or not sender or not isinstance(text, str):
                return response.json({"error": "sender and message are required"}, status=400)
            raw_metadata = body.get("metadata")
            metadata: dict[str, Any] = raw_metadata if isinstance(raw_metadata, dict) else {}
            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(
                        text[:MAX_MESSAGE_CHARS],
                        collector,
                        sender,
                        input_channel=str(metadata.get("channel") or self.name()),
                        metadata=metadata,
                    )
                )
            except Exception:  # noqa: BLE001 - the gateway keeps the message and retries
                logger.exception("processing a gateway message failed")
                return response.json({"error": "processing failed"}, status=500)
            return response.json(collector.messages)

        return gateway_webhook
