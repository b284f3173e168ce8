"""Which answer each published entry's questions get: `python -m bot faq check [KEY]`.

Staff publish an entry and expect citizens who ask its question to get it. The answer selection
(`bot.knowledge.selection`) may still give the question to a built-in answer, rightly so for
what the schedule database owns (today's fees, quota, hours). This command asks the running
Rasa server (its `/webhooks/gateway/parse` route, nothing saved) how each of the entry's own
question and example questions is understood, and names the answer each gets, so staff can see
which entries answer themselves, which are answered by a built-in answer, and which lose to
another entry or to nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import aiohttp

from bot.knowledge.selection import KNOWLEDGE_INTENT
from bot.knowledge.views import EntryView

FALLBACK_INTENT = "nlu_fallback"


@dataclass(frozen=True)
class QuestionCheck:
    entry: str
    question: str
    # "entry", "built-in <intent>", "entry <other key>", "choice <intent> / <key>" (buttons) or
    # "search <intent>"
    answered_by: str

    @property
    def answers_itself(self) -> bool:
        return self.answered_by == "entry"


def answered_by(entry: EntryView, parsed: dict) -> str:
    """Name the answer a parse result leads to, seen from `entry`."""
    chosen = parsed.get("answer_selection") or {}
    if chosen.get("winner") == "knowledge":
        return "entry" if chosen.get("key") == entry.key else f"entry {chosen.get('key')}"
    if chosen.get("winner") == "unsure":  # both offered as buttons, the citizen chooses
        return f"choice {chosen.get('intent')} / {chosen.get('key')}"
    intent = str(parsed.get("intent") or "")
    if intent in (KNOWLEDGE_INTENT, FALLBACK_INTENT):
        return f"search {intent}"  # the FAQ action searches again; buttons at best
    return f"built-in {intent}"


async def check_entries(
    entries: Iterable[EntryView], *, rasa_url: str, token: str
) -> list[QuestionCheck]:
    """Parse every question of every entry with the running model."""
    checks = []
    headers = {"Authorization": f"Bearer {token}"}
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(headers=headers, timeout=timeout) as client:
        for entry in entries:
            for question in entry.questions():
                url = f"{rasa_url.rstrip('/')}/webhooks/gateway/parse"
                async with client.post(url, json={"text": question}) as response:
                    response.raise_for_status()
                    parsed = await response.json()
                checks.append(QuestionCheck(entry.key, question, answered_by(entry, parsed)))
    return checks
