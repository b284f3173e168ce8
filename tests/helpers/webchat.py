"""A web chat client for tests: conversations, messages and polling through the public API."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from aiohttp.test_utils import TestClient


@dataclass
class ChatClient:
    """One citizen on the web chat API (bearer token, as API clients use it)."""

    client: TestClient
    token: str = ""
    seen: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    async def start(cls, client: TestClient) -> ChatClient:
        response = await client.post("/api/conversations")
        assert response.status == 201, await response.text()
        client.session.cookie_jar.clear()  # this citizen proves itself with its bearer token only
        return cls(client, (await response.json())["token"])

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def post(self, body: Any) -> tuple[int, dict[str, Any]]:
        response = await self.client.post("/api/messages", json=body, headers=self.headers)
        return response.status, await response.json()

    async def say(self, text: str, message_id: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"text": text}
        if message_id is not None:
            body["message_id"] = message_id
        status, data = await self.post(body)
        assert status == 200, (status, data)
        return data

    async def fetch(self, after: int = 0) -> dict[str, Any]:
        response = await self.client.get(
            "/api/messages", params={"after": str(after)}, headers=self.headers
        )
        assert response.status == 200, await response.text()
        return dict(await response.json())

    async def wait_for_answers(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Poll until `count` replies exist and nothing is pending; return all replies."""
        deadline = asyncio.get_running_loop().time() + timeout
        replies: list[dict[str, Any]] = []
        while True:
            data = await self.fetch(replies[-1]["id"] if replies else 0)
            replies.extend(data["replies"])
            if len(replies) >= count and data["pending"] == 0:
                return replies
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"only {len(replies)} replies, {data['pending']} pending")
            await asyncio.sleep(0.05)
