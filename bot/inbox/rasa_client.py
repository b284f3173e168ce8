"""The one client that talks to the Rasa server; channel code never builds Rasa URLs."""

from __future__ import annotations

import logging
from typing import Any

import aiohttp

from bot.inbox.messages import Reply

logger = logging.getLogger(__name__)

GATEWAY_WEBHOOK_PATH = "/webhooks/gateway/webhook"


class RasaUnavailable(RuntimeError):
    """Rasa could not answer (down, timed out, or returned an error)."""


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
        self, conversation_id: str, content: str, metadata: dict[str, Any] | None = None
    ) -> list[Reply]:
        """Deliver one message to Rasa and return the bot's replies."""
        url = f"{self._base_url}{GATEWAY_WEBHOOK_PATH}"
        body = {"sender": conversation_id, "message": content, "metadata": metadata or {}}
        try:
            async with self.session.post(url, json=body) as response:
                if response.status != 200:
                    raise RasaUnavailable(f"Rasa answered HTTP {response.status}")
                data = await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise RasaUnavailable(f"Rasa unreachable: {exc.__class__.__name__}") from exc
        if not isinstance(data, list):
            raise RasaUnavailable("Rasa answered with an unexpected body")
        return [Reply.from_json(item) for item in data if isinstance(item, dict)]

    async def status(self) -> dict[str, Any] | None:
        """Return Rasa's /status (model loaded) or None when it is not up."""
        try:
            async with self.session.get(
                f"{self._base_url}/status", params={"token": self._token}
            ) as response:
                if response.status != 200:
                    return None
                data = await response.json(content_type=None)
                return data if isinstance(data, dict) else None
        except (aiohttp.ClientError, TimeoutError):
            return None
