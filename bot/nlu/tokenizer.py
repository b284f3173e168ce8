"""A whitespace tokenizer that normalises colloquial Indonesian, registered for Rasa's graph.

Every token keeps its character span in the original message (so entity annotations and
extracted entity values are unchanged: "bsk" is still extracted as "bsk"), but its text and lemma
become the standard spelling from `bot.nlu.lexicon` ("brp" -> "berapa", "kk" stays "kk"). The
featurizers read the token text, so training and prediction see the same normalised words.
Glued words ("hargapaspor") become two tokens with their own spans.

Staff vocabulary (`python -m bot vocab add TERM STANDARD`, the `vocabulary` table) counts at
prediction time only: a written term whose standard is one word becomes a token with that word
("nyasar" -> "hilang"; a phrase becomes one token spanning its written words). Training uses
only the built-in lexicon, so a model trained twice on the same data is the same model: the
model is frozen with the features it saw, and staff terms map onto words it already knows. The
vocabulary is read from the database of DATABASE_URL (engine built on the first message, as in
`bot.nlu.knowledge_selector`), at most every 2 s; when it cannot be read the message keeps the
built-in tokens and the database is left alone for `RETRY_SECONDS`.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from sqlalchemy.orm import sessionmaker

from bot.knowledge.models import VocabularyKind
from bot.knowledge.vocabulary import TermView, clean_term
from bot.knowledge.vocabulary_store import VocabularyCache
from bot.nlu import lexicon
from bot.nlu.lexicon import normalise_word, split_glued

logger = logging.getLogger(__name__)

RETRY_SECONDS = 30.0


def normalise_tokens(tokens: list[Token]) -> list[Token]:
    """Split glued tokens and replace each token's text by its standard spelling."""
    result: list[Token] = []
    for token in tokens:
        cuts = split_glued(token.text)
        bounds = [0, *cuts, len(token.text)]
        for begin, end in zip(bounds, bounds[1:], strict=False):
            normalised = normalise_word(token.text[begin:end])
            result.append(
                Token(
                    normalised,
                    token.start + begin,
                    end=token.start + end,
                    data=dict(token.data),
                    lemma=normalised,
                )
            )
    return result


def staff_words(terms: Sequence[TermView]) -> dict[str, str]:
    """Return the staff terms the model can use: written term -> its one-word standard."""
    words: dict[str, str] = {}
    for term in terms:
        if term.kind != VocabularyKind.SAME.value or " " in term.standard:
            continue
        standard = normalise_word(term.standard)
        if " " not in standard:
            words[term.term] = standard
    return words


def apply_staff_words(tokens: list[Token], text: str, words: dict[str, str]) -> list[Token]:
    """Replace written staff terms by their standard word; a phrase becomes one token."""
    longest = max((len(term.split()) for term in words), default=0)
    result: list[Token] = []
    position = 0
    while position < len(tokens):
        for size in range(min(longest, len(tokens) - position), 0, -1):
            window = tokens[position : position + size]
            written = clean_term(" ".join(text[t.start : t.end] for t in window))
            normalised = " ".join(t.text for t in window)
            standard = words.get(written) or words.get(normalised)
            if standard:
                first, last = window[0], window[-1]
                result.append(
                    Token(
                        standard, first.start, end=last.end, data=dict(first.data), lemma=standard
                    )
                )
                position += size
                break
        else:
            result.append(tokens[position])
            position += 1
    return result


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class NormalisingWhitespaceTokenizer(WhitespaceTokenizer):
    """Whitespace tokenizer whose tokens carry normalised colloquial Indonesian."""

    def __init__(
        self,
        config: dict[str, Any],
        factory: sessionmaker | None = None,
        cache: VocabularyCache[dict[str, str]] | None = None,
    ) -> None:
        super().__init__(config)
        self._factory = factory
        self._cache = cache or VocabularyCache(build=staff_words)
        self._retry_at = 0.0

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Return the component's default config (the same as WhitespaceTokenizer's)."""
        return WhitespaceTokenizer.get_default_config()

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """Hash of this module and the lexicon, so Rasa's training cache sees their changes."""
        digest = hashlib.sha256(Path(__file__).read_bytes())
        digest.update(Path(lexicon.__file__).read_bytes())
        return digest.hexdigest()

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        """Tokenize like WhitespaceTokenizer, then normalise the message text's tokens."""
        tokens = super().tokenize(message, attribute)
        if attribute != TEXT:
            return tokens
        return normalise_tokens(tokens)

    def process(self, messages: list[Message]) -> list[Message]:
        """Tokenize incoming messages, then map staff terms (prediction only, not training)."""
        messages = super().process(messages)
        words = self._staff_words()
        if not words:
            return messages
        for message in messages:
            text, tokens = message.get(TEXT), message.get(TOKENS_NAMES[TEXT])
            if isinstance(text, str) and tokens:
                message.set(TOKENS_NAMES[TEXT], apply_staff_words(tokens, text, words))
        return messages

    def _staff_words(self) -> dict[str, str]:
        if time.monotonic() < self._retry_at:
            return {}
        try:
            if self._factory is None:
                from bot.db.engine import process_session_factory

                self._factory = process_session_factory()
            with self._factory.begin() as session:
                return self._cache.current(session=session)
        except Exception as exc:  # noqa: BLE001 - any failure: the built-in tokens stand
            self._retry_at = time.monotonic() + RETRY_SECONDS
            logger.warning(
                "Staff vocabulary not readable (%s); built-in words only for %.0f s.",
                exc.__class__.__name__,
                RETRY_SECONDS,
            )
            return {}
