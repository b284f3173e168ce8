"""How published entries are ranked for a citizen's question: the in-memory `FaqIndex`.

Each entry is indexed by its main question, its example questions and its answer. A query is
normalised (staff vocabulary, slang, spelling, synonyms, affixes; see `normalize` and
`vocabulary`), unknown words are corrected
against the index vocabulary (typos) and expanded with RELATED words at a lower weight. BM25 and
a rapidfuzz full-text ranking propose candidate entries; every text of a candidate is scored in
[0, 1] by mixing BM25 coverage (the share of the query's IDF weight the text holds), an
IDF-weighted word overlap and fuzzy string similarity. An entry ranks by its best question's
score plus a bonus for query words that only its answer contains; the score reported (and
compared with the thresholds in `actions.faq`) is the best question's alone, so rewording an
answer never decides whether the bot answers directly. `docs/faq_retrieval_design.md` and
`docs/faq_eval.md` have the measurements behind these choices.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.knowledge.normalize import tokens
from bot.knowledge.views import EntryView, Match
from bot.knowledge.vocabulary import EMPTY, Vocabulary

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
    answer_weight: float = 0.8  # answers are indexed (0: not); see answer_boost
    rank: str = "hybrid"  # "hybrid", or "bm25" / "fuzzy" alone (for the eval's comparison)
    related_weight: float = 0.4  # weight of RELATED words added to the question (0: off)
    # How BM25 is scaled into [0, 1]: "coverage" divides by the score the same text would get
    # if it held every query word once (the share of the query it covers), "ceiling" by the
    # saturation bound alone (short texts score higher), "self" by the query's own score.
    bm25_norm: str = "coverage"
    # The answer adds answer_boost * its fit to the best question's score; the fit is the
    # IDF share of the query's words found in the answer but not in that question
    # ("new-words"), the answer's BM25 coverage squared ("coverage2") or its whole mixed score
    # ("hybrid"). answer_boost 0: the answer competes as one more question (answer_weight).
    answer_boost: float = 0.4
    answer_fit: str = "new-words"
    # Match.score: the best question's score ("question") or the ranking score ("rank").
    confidence: str = "question"
    # IDF of a query word the index has never seen (after typo correction), as a fraction of
    # the IDF of a word seen once: it lowers the score of questions about something the FAQ
    # never mentions ("harga emas", "resep rendang"), not the order of the entries.
    unknown_weight: float = 1.0
    tokenizer: Callable[[str], list[str]] = tokens


DEFAULT_WEIGHTS = Weights()


@dataclass
class _Doc:
    entry: int
    text: str
    tokens: list[str]
    counts: Counter
    joined: str  # the tokens sorted and joined: fuzz.ratio on these is token_sort_ratio
    answer: bool = False
    norm: float = 1.0  # BM25 length normalisation: k1 * (1 - b + b * length / average)


@dataclass
class _Query:
    words: list[str]
    terms: dict[str, float]  # the words and their RELATED words, with weights
    bm25: dict[int, float]  # document id -> BM25 score
    idf: float  # the IDF weight of the query's distinct words
    joined: str  # sorted, as `_Doc.joined`


class FaqIndex:
    """Ranks published entries for a citizen's question; immutable once built."""

    def __init__(
        self,
        entries: Sequence[EntryView],
        weights: Weights = DEFAULT_WEIGHTS,
        vocabulary: Vocabulary = EMPTY,
    ) -> None:
        self.entries = list(entries)
        self.weights = weights
        # Staff terms are rewritten on both sides: in the entries here, in questions in search.
        self.staff_vocabulary = vocabulary
        self.tokenize = vocabulary.tokenizer(weights.tokenizer)
        self.docs: list[_Doc] = []
        self.entry_docs: list[list[int]] = [[] for _ in self.entries]
        for number, entry in enumerate(self.entries):
            texts = [(text, False) for text in entry.questions()]
            if weights.answer_weight:
                texts.append((entry.answer, True))
            for text, answer in texts:
                words = self.tokenize(text)
                if words:
                    self.entry_docs[number].append(len(self.docs))
                    self.docs.append(
                        _Doc(number, text, words, Counter(words), " ".join(sorted(words)), answer)
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
        self.unknown_idf = math.log(1 + (total + 0.5) / 1.5) * weights.unknown_weight
        self.avg_len = sum(len(d.tokens) for d in self.docs) / total
        for doc in self.docs:
            doc.norm = self._length_norm(len(doc.tokens))
        self.vocabulary = list(self.postings)
        # Fuzzy candidates come from the questions: a long answer is never close as a string.
        self.question_ids = [i for i, doc in enumerate(self.docs) if not doc.answer]
        self.joined = [self.docs[i].joined for i in self.question_ids]
        self._typos: dict[str, str | None] = {}

    def __len__(self) -> int:
        return len(self.entries)

    def question_words(self, key: str) -> set[str]:
        """Return the words of an entry's main and example questions."""
        words: set[str] = set()
        for number, entry in enumerate(self.entries):
            if entry.key == key:
                for doc_id in self.entry_docs[number]:
                    if not self.docs[doc_id].answer:
                        words.update(self.docs[doc_id].tokens)
        return words

    def weight(self, word: str) -> float:
        """Return a word's IDF weight in this index (an unseen word's for unknown words)."""
        return self.idf.get(word, self.unknown_idf)

    def words(self, text: str) -> list[str]:
        """Return the matching words of a text, as the index sees them."""
        return self.tokenize(text)

    def _length_norm(self, length: int) -> float:
        return BM25_K1 * (1 - BM25_B + BM25_B * length / (self.avg_len or 1.0))

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
                norm = self.docs[doc_id].norm
                scores[doc_id] += weight * idf * count * (BM25_K1 + 1) / (count + norm)
        return scores

    def _relevance(self, doc: _Doc, bm25: float, query_idf: float, length: int) -> float:
        """Scale a text's BM25 score into [0, 1] (see `Weights.bm25_norm`)."""
        if self.weights.bm25_norm == "coverage":  # every query word once in this text
            perfect = query_idf * (BM25_K1 + 1) / (1 + doc.norm)
        elif self.weights.bm25_norm == "self":  # the query scored against itself
            perfect = query_idf * (BM25_K1 + 1) / (1 + self._length_norm(length))
        else:
            perfect = query_idf * (BM25_K1 + 1)
        return min(1.0, bm25 / perfect) if perfect else 0.0

    def _terms(self, words: list[str]) -> dict[str, float]:
        """Return the query's words with weight 1 and their RELATED words at a lower weight."""
        terms = dict.fromkeys(words, 1.0)
        if self.weights.related_weight:
            for word in words:
                for related in self.staff_vocabulary.related.get(word, ()):
                    terms.setdefault(related, self.weights.related_weight)
        return terms

    def _overlap(self, query: _Query, doc: _Doc) -> float:
        """IDF-weighted Dice overlap of the query's and the document's words."""
        doc_words = doc.counts.keys()
        shared = sum(self.idf.get(w, 0.0) * query.terms[w] for w in query.terms.keys() & doc_words)
        document = sum(self.idf[w] for w in doc_words)
        return 2 * shared / (query.idf + document) if query.idf + document else 0.0

    def _score(self, doc: _Doc, query: _Query, bm25: float) -> float:
        fuzzy = fuzz.ratio(query.joined, doc.joined) / 100
        if self.weights.rank == "fuzzy":
            return fuzzy
        if self.weights.rank == "bm25":
            return bm25
        return (
            self.weights.bm25 * bm25
            + self.weights.overlap * self._overlap(query, doc)
            + self.weights.fuzzy * fuzzy
        )

    def _candidates(self, bm25: dict[int, float], joined: str) -> set[int]:
        """Return the entries of the best BM25 and fuzzy texts (all their texts get scored)."""
        docs = sorted(bm25, key=bm25.__getitem__, reverse=True)[: self.weights.bm25_candidates]
        if self.weights.fuzzy_candidates:
            for _text, _score, position in process.extract(
                joined, self.joined, scorer=fuzz.ratio, limit=self.weights.fuzzy_candidates
            ):
                docs.append(self.question_ids[position])
        return {self.docs[doc_id].entry for doc_id in docs}

    def _rate(self, number: int, query: _Query) -> tuple[float, float, str]:
        """Return an entry's ranking score, its confidence and its best-matching question."""
        weights = self.weights
        question, best, answer = 0.0, None, None
        for doc_id in self.entry_docs[number]:
            doc = self.docs[doc_id]
            bm25 = query.bm25.get(doc_id, 0.0)
            relevance = self._relevance(doc, bm25, query.idf, len(query.words))
            if doc.answer:
                answer = (doc, relevance)
                continue
            score = self._score(doc, query, relevance)
            if score > question:
                question, best = score, doc
        fit = self._answer_fit(query, *answer, best) if answer else 0.0
        if weights.answer_boost:
            rank = min(1.0, question + weights.answer_boost * fit)
        else:  # the answer competes as one more question
            rank = max(question, weights.answer_weight * fit)
        text = best.text if best else self.entries[number].question
        return rank, (question if weights.confidence == "question" else rank), text

    def _answer_fit(
        self, query: _Query, answer: _Doc, relevance: float, question: _Doc | None
    ) -> float:
        """Return how well the answer text fits the query (see `Weights.answer_fit`)."""
        fit = self.weights.answer_fit if self.weights.answer_boost else "hybrid"
        if fit == "new-words":  # words the best question lacks: an echo of it adds nothing
            matched = question.counts.keys() if question else set()
            new = (query.terms.keys() & answer.counts.keys()) - matched
            shared = sum(self.idf[w] * query.terms[w] for w in new)
            return min(1.0, shared / query.idf) if query.idf else 0.0
        if fit == "coverage2":  # a passing mention of one word counts little
            return relevance * relevance
        return self._score(answer, query, relevance)

    def search(self, query: str, limit: int = 3) -> list[Match]:
        """Return up to `limit` entries, best first, each with its best-matching question.

        Entries are ordered by the ranking score (ties: higher confidence first); `score` is
        the confidence, so with `confidence="question"` a lower-ranked entry may show a higher
        score when the answer text decided the order.
        """
        words = [self._correct(word) for word in self.tokenize(query)]
        if not words or not self.docs:
            return []
        terms = self._terms(words)
        query_idf = sum(self.idf.get(w, self.unknown_idf) for w in set(words))
        parsed = _Query(words, terms, self._bm25(terms), query_idf, " ".join(sorted(words)))
        rated = [
            (*self._rate(number, parsed), number)
            for number in self._candidates(parsed.bm25, parsed.joined)
        ]
        rated.sort(key=lambda item: (-item[0], -item[1], item[3]))
        return [
            Match(
                key=self.entries[number].key,
                question=self.entries[number].question,
                answer=self.entries[number].answer,
                score=round(confidence, 4),
                matched=matched,
                delivery=self.entries[number].delivery,
                summary=self.entries[number].summary,
                source_url=self.entries[number].source_url,
            )
            for _rank, confidence, matched, number in rated[:limit]
        ]
