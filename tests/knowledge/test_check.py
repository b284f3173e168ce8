"""`faq check`: which answer each of an entry's questions gets from the running model."""

from __future__ import annotations

from aiohttp import web

from bot.knowledge.check import answered_by, check_entries
from bot.knowledge.views import EntryView

ENTRY = EntryView("bayar-cara", "pembayaran", "Bayar paspor lewat mana?", "Lewat bank.",
                  ("bisa bayar di kantor pos?",), "id", "published")  # fmt: skip


def test_the_answer_is_named_from_the_parse():
    knowledge = {"winner": "knowledge", "key": "bayar-cara"}
    assert answered_by(ENTRY, {"intent": "ask_faq", "answer_selection": knowledge}) == "entry"
    other = {"winner": "knowledge", "key": "bayar-batas-waktu"}
    assert answered_by(ENTRY, {"answer_selection": other}) == "entry bayar-batas-waktu"
    kept = {"winner": "intent", "intent": "ask_fees"}
    assert answered_by(ENTRY, {"intent": "ask_fees", "answer_selection": kept}) == (
        "built-in ask_fees"
    )
    assert answered_by(ENTRY, {"intent": "nlu_fallback"}) == "search nlu_fallback"
    unsure = {"winner": "unsure", "intent": "ask_fees", "key": "bayar-cara"}
    assert answered_by(ENTRY, {"intent": "nlu_fallback", "answer_selection": unsure}) == (
        "choice ask_fees / bayar-cara"
    )


async def test_every_question_is_asked_with_the_token(aiohttp_server):
    asked = []

    async def parse(request: web.Request) -> web.Response:
        assert request.headers["Authorization"] == "Bearer sekret"
        text = (await request.json())["text"]
        asked.append(text)
        if "kantor pos" in text:
            return web.json_response({"intent": "ask_process", "answer_selection": None})
        selection = {"winner": "knowledge", "key": "bayar-cara"}
        return web.json_response({"intent": "ask_faq", "answer_selection": selection})

    app = web.Application()
    app.router.add_post("/webhooks/gateway/parse", parse)
    server = await aiohttp_server(app)

    checks = await check_entries([ENTRY], rasa_url=str(server.make_url("/")), token="sekret")

    assert asked == list(ENTRY.questions())
    assert [(c.question, c.answered_by) for c in checks] == [
        ("Bayar paspor lewat mana?", "entry"),
        ("bisa bayar di kantor pos?", "built-in ask_process"),
    ]
    assert [c.answers_itself for c in checks] == [True, False]
