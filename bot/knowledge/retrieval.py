"""Answer-time retrieval: an in-process index of the published entries, rebuilt on change.

Each entry is indexed by its main question and its example questions. A query is normalised
(slang, spelling, synonyms, affixes; see `normalize`), unknown words are corrected against the
index vocabulary (typos) and expanded with RELATED words at a lower weight, BM25 and a rapidfuzz
full-text ranking propose candidates, and each candidate gets a score in [0, 1] that mixes
BM25, IDF-weighted word overlap and fuzzy string similarity. `docs/faq_eval.md` and
`docs/faq_retrieval_design.md` have the measurements behind these choices.
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from rapidfuzz import fuzz, process
from sqlalchemy.orm import Session

from bot.knowledge import store
from bot.knowledge.normalize import RELATED, tokens
from bot.knowledge.views import EntryView, Match

CHECK_INTERVAL_SECONDS = 2.0
BM25_K1 = 1.2
BM25_B = 0.75
TYPO_CUTOFF = 80  # rapidfuzz ratio for an unknown word to count as a misspelt index word


@dataclass(frozen=True)
class Weights:
    """How a candidate's score is mixed; the eval script compares settings."""

    bm25: float = 0.5
    overlap: float = 0.3
    fuzzy: float = 0.2
    bm25_candidates: int = 30
    fuzzy_candidates: int = 10
    correct_typos: bool = True
    answer_weight: float = 0.8  # the answer text is indexed too (0: not indexed)
    rank: str = "hybrid"  # "hybrid", or "bm25" / "fuzzy" alone (for the eval's comparison)
    related_weight: float = 0.4  # weight of RELATED words added to the question (0: off)
    bm25_norm: str = "ceiling"  # "ceiling" (saturated tf) or "self" (the query as a document)
    # The answer's score is added at this fraction to the best question's (answer and question
    # fields combine); 0 = the answer competes as one more question, scaled by answer_weight.
    answer_boost: float = 0.0
    tokenizer: Callable[[str], list[str]] = tokens


DEFAULT_WEIGHTS = Weights()


@dataclass
class _Doc:
    entry: int
    text: str
    tokens: list[str]
    counts: Counter
    joined: str
    weight: float = 1.0  # answers count less than questions


class FaqIndex:
    """Ranks published entries for a citizen's question; immutable once built."""

    def __init__(self, entries: Sequence[EntryView], weights: Weights = DEFAULT_WEIGHTS) -> None:
        self.entries = list(entries)
        self.weights = weights
        self.docs: list[_Doc] = []
        for number, entry in enumerate(self.entries):
            texts = [(text, 1.0) for text in entry.questions()]
            if weights.answer_weight:
                texts.append((entry.answer, weights.answer_weight))
            for text, weight in texts:
                words = weights.tokenizer(text)
                if words:
                    self.docs.append(
                        _Doc(number, text, words, Counter(words), " ".join(words), weight)
                    )
        self.postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for doc_id, doc in enumerate(self.docs):
            for word, count in doc.counts.items():
                self.postings[word].append((doc_id, count))
        total = len(self.docs) or 1
        self.idf = {
            word: math.log(1 + (total - len(p) + 0.5) / (len(p) + 0.5))
            for word, p in self.postings.items()
        }
        self.unknown_idf = math.log(1 + (total + 0.5) / 1.5) * 0.5
        self.avg_len = sum(len(d.tokens) for d in self.docs) / total
        self.vocabulary = list(self.postings)
        self.joined = [doc.joined for doc in self.docs]
        self._typos: dict[str, str | None] = {}

    def __len__(self) -> int:
        return len(self.entries)

    def _correct(self, word: str) -> str:
        if word in self.postings or len(word) < 4 or not self.weights.correct_typos:
            return word
        if word not in self._typos:
            found = process.extractOne(
                word, self.vocabulary, scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF
            )
            self._typos[word] = found[0] if found else None
        return self._typos[word] or word

    def _bm25(self, terms: dict[str, float]) -> dict[int, float]:
        scores: dict[int, float] = defaultdict(float)
        for word, weight in terms.items():
            idf = self.idf.get(word)
            if idf is None:
                continue
            for doc_id, count in self.postings[word]:
                length = len(self.docs[doc_id].tokens)
                norm = BM25_K1 * (1 - BM25_B + BM25_B * length / self.avg_len)
                scores[doc_id] += weight * idf * count * (BM25_K1 + 1) / (count + norm)
        return scores

    def _ceiling(self, words: set[str], length: int) -> float:
        """Return the BM25 score that means a perfect match, for scaling into [0, 1]."""
        idf = sum(self.idf.get(w, self.unknown_idf) for w in words)
        if self.weights.bm25_norm == "self":  # the query scored against itself as a document
            norm = BM25_K1 * (1 - BM25_B + BM25_B * length / self.avg_len)
            return idf * (BM25_K1 + 1) / (1 + norm)
        return idf * (BM25_K1 + 1)

    def _terms(self, words: list[str]) -> dict[str, float]:
        """Return the query's words with weight 1 and their RELATED words at a lower weight."""
        terms = dict.fromkeys(words, 1.0)
        if self.weights.related_weight:
            for word in words:
                for related in RELATED.get(word, ()):
                    terms.setdefault(related, self.weights.related_weight)
        return terms

    def _overlap(self, words: set[str], terms: dict[str, float], doc: _Doc) -> float:
        """IDF-weighted Dice overlap of the query's and the document's words."""
        doc_words = set(doc.tokens)
        shared = sum(self.idf.get(w, 0.0) * terms[w] for w in terms.keys() & doc_words)
        query = sum(self.idf.get(w, self.unknown_idf) for w in words)
        document = sum(self.idf[w] for w in doc_words)
        return 2 * shared / (query + document) if query + document else 0.0

    def _score(
        self, doc: _Doc, words: set[str], terms: dict[str, float], joined: str, bm25: float
    ) -> float:
        fuzzy = fuzz.token_sort_ratio(joined, doc.joined) / 100
        if self.weights.rank == "fuzzy":
            return fuzzy
        if self.weights.rank == "bm25":
            return bm25
        return (
            self.weights.bm25 * bm25
            + self.weights.overlap * self._overlap(words, terms, doc)
            + self.weights.fuzzy * fuzzy
        )

    def search(self, query: str, limit: int = 3) -> list[Match]:
        """Return up to `limit` entries, best first, each with its best-matching question."""
        words = [self._correct(word) for word in self.weights.tokenizer(query)]
        if not words or not self.docs:
            return []
        joined = " ".join(words)
        terms = self._terms(words)
        bm25 = self._bm25(terms)
        ceiling = self._ceiling(set(words), len(words))
        candidates = set(
            sorted(bm25, key=bm25.__getitem__, reverse=True)[: self.weights.bm25_candidates]
        )
        if self.weights.fuzzy_candidates:
            for _text, _score, doc_id in process.extract(
                joined, self.joined, scorer=fuzz.token_sort_ratio,
                limit=self.weights.fuzzy_candidates,
            ):  # fmt: skip
                candidates.add(doc_id)
        word_set = set(words)
        best: dict[int, tuple[float, str]] = {}
        answers: dict[int, float] = {}
        for doc_id in candidates:
            doc = self.docs[doc_id]
            relevance = min(1.0, bm25.get(doc_id, 0.0) / ceiling) if ceiling else 0.0
            score = self._score(doc, word_set, terms, joined, relevance)
            if doc.weight != 1.0 and self.weights.answer_boost:
                answers[doc.entry] = score  # added to the best question's score below
                continue
            score *= doc.weight
            text = doc.text if doc.weight == 1.0 else self.entries[doc.entry].question
            if doc.entry not in best or score > best[doc.entry][0]:
                best[doc.entry] = (score, text)
        for number, answer in answers.items():
            score, text = best.get(number, (0.0, self.entries[number].question))
            best[number] = (min(1.0, score + self.weights.answer_boost * answer), text)
        ranked = sorted(best.items(), key=lambda item: item[1][0], reverse=True)[:limit]
        return [
            Match(
                key=self.entries[number].key,
                question=self.entries[number].question,
                answer=self.entries[number].answer,
                score=round(score, 4),
                matched=text,
            )
            for number, (score, text) in ranked
        ]


@dataclass
class KnowledgeCache:
    """One process's index, rebuilt when the database revision counter or the day changes.

    The counter is read at most once per `check_interval` seconds, so a published edit reaches
    every process within that interval plus the rebuild time.
    """

    check_interval: float = CHECK_INTERVAL_SECONDS
    clock: Callable[[], float] = time.monotonic
    weights: Weights = DEFAULT_WEIGHTS
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _index: FaqIndex | None = None
    _revision: int | None = None
    _day: date | None = None
    _checked: float = -math.inf
    builds: int = 0

    def index(self, *, session: Session, today: date) -> FaqIndex:
        """Return the current index, checking the revision counter when it is due."""
        with self._lock:
            moment = self.clock()
            fresh = moment - self._checked < self.check_interval and today == self._day
            if self._index is not None and fresh:
                return self._index
            revision = store.current_revision(session=session)
            self._checked = moment
            if self._index is None or revision != self._revision or today != self._day:
                entries = store.published_entries(session=session, today=today)
                self._index = FaqIndex(entries, self.weights)
                self._revision, self._day = revision, today
                self.builds += 1
            return self._index


_CACHES: dict[str, KnowledgeCache] = {}
_CACHES_LOCK = threading.Lock()


def cache_for(session: Session) -> KnowledgeCache:
    """Return this process's cache for the session's database."""
    key = str(session.get_bind().url)
    with _CACHES_LOCK:
        if key not in _CACHES:
            _CACHES[key] = KnowledgeCache()
        return _CACHES[key]


def search(
    *,
    session: Session,
    query: str,
    today: date,
    limit: int = 3,
    cache: KnowledgeCache | None = None,
) -> list[Match]:
    """Rank the published, currently valid entries for a question (a query function)."""
    index = (cache or cache_for(session)).index(session=session, today=today)
    return index.search(query, limit=limit)


def published_match(*, session: Session, key: str, today: date) -> Match | None:
    """Return one entry as a match when it is published and valid today (button payloads)."""
    entry = store.published_entry(session=session, key=key, today=today)
    if entry is None:
        return None
    return Match(entry.key, entry.question, entry.answer, 1.0, entry.question)
