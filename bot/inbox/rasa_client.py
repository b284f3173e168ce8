"""The one client that talks to the Rasa server; channel code never builds Rasa URLs.

Every request carries the shared token in the `Authorization` header (never in a query
string). Failures map to two domain errors: `RasaUnavailable` when a part of the stack is down
(the message waits, without spending its retry budget, until the stack is back) and
`RasaFailed` when this message could not be processed (it counts against its budget).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp

from bot.inbox.messages import Reply

logger = logging.getLogger(__name__)

GATEWAY_CHANNEL_PATH = "/webhooks/gateway"
GATEWAY_WEBHOOK_PATH = f"{GATEWAY_CHANNEL_PATH}/webhook"
UNAVAILABLE_STATUSES = frozenset({401, 404, 502, 503, 504})  # down, loading or misconfigured


class RasaError(RuntimeError):
    """Rasa did not answer a message."""


class RasaUnavailable(RasaError):
    """Rasa or the action server is down (or starting): nothing wrong with the message."""


class RasaFailed(RasaError):
    """Rasa could not process this message (an error or a timeout while processing it)."""


class RasaClient:
    """Send citizens' messages to Rasa through the authenticated gateway channel."""

    def __init__(self, base_url: str, token: str, *, timeout_seconds: float = 30.0) -> None:
        self._base_url = base_url.rstrip("/")
        self._token = token
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                timeout=self._timeout, headers={"Authorization": f"Bearer {self._token}"}
            )

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            raise RuntimeError("RasaClient.start() was not called")
        return self._session

    async def send(
        self,
        conversation_id: str,
        content: str,
        *,
        message_id: str,
        retry: bool,
        metadata: dict[str, Any] | None = None,
    ) -> list[Reply]:
        """Deliver one message to Rasa and return the bot's replies (possibly none).

        `message_id` is stored on Rasa's user event; with `retry`, Rasa first looks for it and,
        when that message was already processed, answers with the replies it gave then.
        """
        url = f"{self._base_url}{GATEWAY_WEBHOOK_PATH}"
        body = {
            "sender": conversation_id,
            "message": content,
            "message_id": message_id,
            "retry": retry,
            "metadata": metadata or {},
        }
        try:
            async with self.session.post(url, json=body) as response:
                if response.status in UNAVAILABLE_STATUSES:
                    raise RasaUnavailable(f"Rasa answered HTTP {response.status}")
                if response.status != 200:
                    raise RasaFailed(f"Rasa answered HTTP {response.status}")
                data = await response.json(content_type=None)
        except asyncio.TimeoutError as exc:  # before ClientError: aiohttp's timeouts are both
            raise RasaFailed("Rasa did not answer in time") from exc
        except aiohttp.ClientConnectionError as exc:
            raise RasaUnavailable(f"Rasa unreachable: {exc.__class__.__name__}") from exc
        except (aiohttp.ClientError, ValueError) as exc:
            raise RasaFailed(f"Rasa answered badly: {exc.__class__.__name__}") from exc
        if not isinstance(data, list):
            raise RasaFailed("Rasa answered with an unexpected body")
        return [Reply.from_json(item) for item in data if isinstance(item, dict)]

    async def ready(self) -> bool:
        """Return True when Rasa answers and has a model loaded."""
        try:
            async with self.session.get(f"{self._base_url}{GATEWAY_CHANNEL_PATH}/") as response:
                if response.status != 200:
                    return False
                data = await response.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
            return False
        return isinstance(data, dict) and data.get("model_ready") is True
