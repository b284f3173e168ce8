"""Staff vocabulary: words citizens use and the standard word each one means, checked and compiled.

The built-in word lists stay in code (`bot.knowledge.lexicon` for FAQ matching,
`bot.nlu.lexicon` for the language model); staff add their own terms to the `vocabulary` table
with `python -m bot vocab add TERM STANDARD` (store: `bot.knowledge.vocabulary_store`). A term
is one word or a short phrase ("bule", "ga bisa", "masuk akun") and has a kind:

* ``same``: the term is rewritten to its standard word before the built-in normalisation, in the
  citizen's question and in every entry alike (like `PHRASES` and `SYNONYMS`), so the standard
  word then goes through the same spelling, synonym and stemming rules as any other text;
* ``related``: a question holding the term also looks for the standard word, and the other way
  round, at the lower weight of `RELATED` words.

The language model's tokenizer uses ``same`` terms whose standard is one word at prediction time
(`bot.nlu.tokenizer`). A `Vocabulary` is compiled once per knowledge-base revision: a vocabulary
change bumps the same revision counter as an FAQ edit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.knowledge import lexicon
from bot.knowledge.models import VocabularyKind
from bot.knowledge.normalize import fold, tokens
from bot.nlu import lexicon as nlu_lexicon

MAX_WORDS = 4
MAX_CHARS = 60
KINDS = tuple(kind.value for kind in VocabularyKind)
_WORDS = re.compile(r"[a-z0-9]+(?: [a-z0-9]+)*")
_SPACES = re.compile(r"[\s\-]+")
_BUILTIN_PHRASES = tuple((re.compile(p), p, r) for p, r in lexicon.PHRASES)
PROTECTED = lexicon.PROTECTED | nlu_lexicon.PROTECTED

Tokenizer = Callable[[str], list[str]]


class VocabularyError(ValueError):
    """A term staff cannot add or remove; the message says why, in staff's words."""


@dataclass(frozen=True)
class TermView:
    """One vocabulary term: staff's (with who and when) or built in."""

    term: str
    standard: str
    kind: str = VocabularyKind.SAME.value
    builtin: bool = False
    added_by: str | None = None
    added_at: datetime | None = None


def clean_term(text: str) -> str:
    """Return a term as stored: lower-case, accents folded, hyphens as spaces, single spaces."""
    return " ".join(fold(text).replace("-", " ").split())


def builtin_terms() -> list[TermView]:
    """Return the built-in word lists as terms (phrases are shown as their patterns)."""
    seen: set[tuple[str, str, str]] = set()
    result: list[TermView] = []

    def add(term: str, standard: str, kind: str = VocabularyKind.SAME.value) -> None:
        if (term, standard, kind) not in seen:
            seen.add((term, standard, kind))
            result.append(TermView(term, standard, kind, builtin=True))

    for pattern, standard in lexicon.PHRASES:
        add(pattern.replace(r"\b", ""), standard)
    for table in (lexicon.DOMAIN_LEXICON, lexicon.SYNONYMS, nlu_lexicon.DOMAIN_LEXICON):
        for term, standard in table.items():
            if term != standard:
                add(term, standard)
    for term, related in lexicon.RELATED.items():
        for standard in related:
            add(term, standard, VocabularyKind.RELATED.value)
    return result


def builtin_meaning(term: str) -> str | None:
    """Return what the built-in lists already rewrite a term to, if they do."""
    for table in (lexicon.DOMAIN_LEXICON, lexicon.SYNONYMS, nlu_lexicon.DOMAIN_LEXICON):
        if term in table and table[term] != term:
            return table[term]
    for pattern, _text, standard in _BUILTIN_PHRASES:
        if pattern.fullmatch(term):
            return standard
    return None


def _contains(text: str, term: str) -> bool:
    return f" {term} " in f" {text} "


def _find_cycle(edges: dict[str, str], start: str) -> list[str] | None:
    """Return terms from `start` whose standard words lead back to one ("a -> b -> a")."""
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> list[str] | None:
        for other in edges:
            if not _contains(edges[node], other) or other in done:
                continue
            if other in path:
                return [*path[path.index(other) :], other]
            found = visit(other, [*path, other])
            if found:
                return found
        done.add(node)
        return None

    return visit(start, [start])


def validate(term: str, standard: str, kind: str, others: Sequence[TermView]) -> TermView:
    """Check one staff term against the rules and the other active staff terms.

    Returns the term as it will be stored; raises `VocabularyError` with the reason.
    """
    term, standard = clean_term(term), clean_term(standard)
    if kind not in KINDS:
        raise VocabularyError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    for name, text in (("term", term), ("standard word", standard)):
        if not text:
            raise VocabularyError(f"the {name} is empty")
        if not _WORDS.fullmatch(text):
            raise VocabularyError(f"the {name} {text!r} may hold letters, digits and spaces only")
        if len(text) > MAX_CHARS or len(text.split()) > MAX_WORDS:
            raise VocabularyError(
                f"the {name} {text!r} is too long: at most {MAX_WORDS} words, {MAX_CHARS} letters"
            )
    if term == standard:
        raise VocabularyError(f"{term!r} is its own standard word")
    if kind == VocabularyKind.SAME.value and term in PROTECTED:
        raise VocabularyError(f"{term!r} is a protected office term and keeps its meaning")
    meaning = builtin_meaning(term)
    if meaning is not None:
        raise VocabularyError(f"{term!r} is built in (read as {meaning!r}) and cannot be changed")
    if all(word in lexicon.STOPWORDS for word in term.split()):
        what = "a stop word" if " " not in term else "only stop words"
        raise VocabularyError(
            f"{term!r} is {what}: questions are matched without it, so it cannot mean more"
        )
    if not tokens(standard):
        raise VocabularyError(f"the standard word {standard!r} is only stop words")
    if kind == VocabularyKind.SAME.value:
        if tokens(term) == tokens(standard):
            raise VocabularyError(f"{term!r} already means {standard!r} (built in)")
    else:
        for name, text in (("term", term), ("standard word", standard)):
            if len(tokens(text)) != 1:
                raise VocabularyError(f"a related {name} must be one word, not {text!r}")
        if tokens(standard)[0] in lexicon.RELATED.get(tokens(term)[0], ()):
            raise VocabularyError(f"{term!r} is already related to {standard!r} (built in)")
    for other in others:
        if other.term == term:
            raise VocabularyError(f"{term!r} is already in the vocabulary (-> {other.standard!r})")
    if kind == VocabularyKind.SAME.value:
        edges = {o.term: o.standard for o in others if o.kind == VocabularyKind.SAME.value}
        edges[term] = standard
        cycle = _find_cycle(edges, term)  # the others had none
        if cycle:
            chain = " -> ".join(cycle)
            raise VocabularyError(f"the terms would rewrite each other forever: {chain}")
    return TermView(term, standard, kind)


def _resolve(same: dict[str, str]) -> dict[str, str]:
    """Follow chains (a -> b, b -> c: a -> c); the terms were checked to have no cycle."""
    resolved = dict(same)
    for _ in range(len(same)):
        changed = False
        for term, standard in resolved.items():
            for other, replacement in same.items():
                if _contains(standard, other):
                    standard = f" {standard} ".replace(f" {other} ", f" {replacement} ").strip()
                    changed = True
            resolved[term] = standard
        if not changed:
            break
    return resolved


class Vocabulary:
    """The staff terms compiled for FAQ matching; immutable, built once per revision."""

    def __init__(self, terms: Sequence[TermView] = ()) -> None:
        active = [t for t in terms if not t.builtin]
        same = {t.term: t.standard for t in active if t.kind == VocabularyKind.SAME.value}
        self.rewrites = _resolve(same)
        self._pattern: re.Pattern[str] | None = None
        if self.rewrites:
            # Longest first, so "ga bisa" wins over "ga"; a space may be written as a hyphen.
            ordered = sorted(self.rewrites, key=lambda t: (-len(t.split()), -len(t), t))
            alternatives = "|".join(r"[\s\-]+".join(map(re.escape, t.split())) for t in ordered)
            self._pattern = re.compile(rf"\b(?:{alternatives})\b")
        related: dict[str, tuple[str, ...]] = dict(lexicon.RELATED)
        for t in active:
            if t.kind == VocabularyKind.RELATED.value:
                [word], [other] = tokens(t.term), tokens(t.standard)
                for key, value in ((word, other), (other, word)):
                    if value not in related.get(key, ()):
                        related[key] = (*related.get(key, ()), value)
        self.related = related
        self.terms = tuple(active)

    def __bool__(self) -> bool:
        return bool(self.terms)

    def rewrite(self, text: str) -> str:
        """Return the text folded, with every staff term replaced by its standard word."""
        folded = fold(text)
        if self._pattern is None:
            return folded
        return self._pattern.sub(lambda m: self.rewrites[" ".join(_SPACES.split(m[0]))], folded)

    def tokenizer(self, base: Tokenizer = tokens) -> Tokenizer:
        """Return `base` with the staff terms rewritten first (`base` itself when none are)."""
        if self._pattern is None:
            return base
        # An inflected term ("bulenya") is stemmed to the term itself by `base`.
        roots = {term: tuple(base(standard)) for term, standard in self.rewrites.items()}

        def _tokens(text: str) -> list[str]:
            return [w for token in base(self.rewrite(text)) for w in roots.get(token, (token,))]

        return _tokens


EMPTY = Vocabulary()
