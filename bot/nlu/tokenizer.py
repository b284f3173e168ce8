"""A whitespace tokenizer that normalises colloquial Indonesian, registered for Rasa's graph.

Every token keeps its character span in the original message (so entity annotations and
extracted entity values are unchanged: "bsk" is still extracted as "bsk"), but its text and lemma
become the standard spelling from `bot.nlu.lexicon` ("brp" -> "berapa", "kk" stays "kk"). The
featurizers read the token text, so training and prediction see the same normalised words.
Glued words ("hargapaspor") become two tokens with their own spans.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu import lexicon
from bot.nlu.lexicon import normalise_word, split_glued


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


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class NormalisingWhitespaceTokenizer(WhitespaceTokenizer):
    """Whitespace tokenizer whose tokens carry normalised colloquial Indonesian."""

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
