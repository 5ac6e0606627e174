"""Hybrid retrieval of sentences: dense (FAISS) and lexical (BM25) candidates, fused by
reciprocal rank, then re-ranked with features that look at each sentence in its context.

Features of a candidate sentence for a question:
  dense_sentence  cosine of the question and the sentence alone
  dense_context   cosine of the question and the sentence with its section title and the
                  sentence before it (finds "Its length was…" for a question naming "it")
  lexical         BM25 of the sentence, relative to the best candidate's
  coverage        share of the question's content words (weighted by rarity) found in the
                  sentence or its section title, at half weight in the sentence
                  before it (0.9 when the sentence opens with a pronoun pointing back);
                  a word found in neither counts by its best embedding similarity to the
                  sentence's words ("built" ~ "erected"), scaled between SOFT_FLOOR and 1
  answer_type     the sentence holds a new span of the type the question asks for (half
                  credit when only an adjacent sentence does: the answer will widen to it)
  numbers         the question's numerals (a year) appear in the sentence or the one before
                  (+1), or the sentence names other numbers but not those (-1)
  proximity       for follow-ups, nearness in the same section to what the previous turn
                  cited, 1 / (1 + distance in sentences), at 0.7 before it (a follow-up
                  more often asks what came next); the cited sentence itself is penalised
The score is a weighted sum. The prior weights below were set by hand, with the seed course's
development set in view (an earlier practice this project has left); each course refits them
at index time on its own made questions and keeps the fit only when it beats the prior there
significantly (tutor/ranking_fit.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .answer_types import AnswerType, expected_type, numbers_in, question_gives
from .course import Course
from .domain import Passage
from .lexical import BM25
from .ports import Embedder
from .text import (
    content_stems,
    content_words,
    leans_back,
    lexical_terms,
    states_no_fact,
    stem,
    tokens,
)

RRF_K = 60  # the customary constant of reciprocal rank fusion
# A follow-up ("And how did the council react?") asks more often what came after the sentence
# the last answer cited than what came before it.
BEFORE_CREDIT = 0.7
FOLLOWUP_UNKNOWN_FACTOR = 0.5
CONTEXT_CREDIT = 0.5  # credit for a question word named in the sentence before
PRONOUN_CREDIT = 0.9  # … when the sentence opens with a pronoun that points back to it
SOFT_FLOOR = 0.45  # word similarity below this is unrelated (MiniLM on single words)
SOFT_FULL = 0.85  # and above this the words are near-synonyms
SAME_WORD = 0.6  # two words this alike name the same thing ("planes" ~ "aircraft")
VALUE_KINDS = (AnswerType.DATE, AnswerType.NUMBER, AnswerType.QUANTITY)


# The re-ranking features of a candidate sentence, in the order of a feature row.
RANKING_FEATURES = (
    "dense_sentence",
    "dense_context",
    "lexical",
    "coverage",
    "answer_type",
    "numbers",
)


@dataclass(frozen=True)
class RetrievalWeights:
    dense_sentence: float = 0.20
    dense_context: float = 0.20
    lexical: float = 0.05
    coverage: float = 0.20
    answer_type: float = 0.15
    numbers: float = 0.05
    proximity: float = 0.10
    repeat: float = -0.10
    candidates: int = 48

    def vector(self) -> np.ndarray:
        """The weights of RANKING_FEATURES, in order."""
        return np.array([getattr(self, name) for name in RANKING_FEATURES], dtype=np.float64)

    def ranking(self, values: Sequence[float]) -> RetrievalWeights:
        """These weights with those of RANKING_FEATURES replaced, in order."""
        d_sentence, d_context, lexical, coverage, answer_type, numbers = (float(v) for v in values)
        return RetrievalWeights(
            d_sentence,
            d_context,
            lexical,
            coverage,
            answer_type,
            numbers,
            self.proximity,
            self.repeat,
            self.candidates,
        )


@dataclass(frozen=True)
class Scored:
    passage: Passage
    score: float
    dense: float
    coverage: float
    typed: bool


@dataclass(frozen=True)
class Retrieval:
    """The ranked candidates for one question, with question-level evidence signals."""

    question: str
    query: str
    kind: AnswerType
    ranked: tuple[Scored, ...]
    unknown_share: float  # rarity-weighted share of question words the course never uses
    vector: np.ndarray | None = field(default=None, repr=False, compare=False)  # the query's
    previous: tuple[int, ...] = ()  # in a follow-up, what the last answer cited

    @property
    def best(self) -> Scored | None:
        return self.ranked[0] if self.ranked else None


@dataclass(frozen=True)
class Candidates:
    """The sentences one question re-ranks, with a row of RANKING_FEATURES each."""

    query: str
    kind: AnswerType
    ids: list[int]
    features: np.ndarray  # len(ids) x len(RANKING_FEATURES)
    terms: list[str]  # the question's (and topic's) content stems
    vector: np.ndarray = field(repr=False)
    word_vectors: dict[str, np.ndarray] = field(repr=False)


@dataclass(frozen=True)
class FollowupContext:
    """What a follow-up borrows from the conversation."""

    topic: str
    passage_ids: tuple[int, ...] = field(default=())
    query: str = ""  # the question rewritten with the topic in place
    said: str = ""  # what the conversation already gave: the last question and its answer's lead


def reciprocal_rank_fusion(rankings: Sequence[Sequence[int]], k: int = RRF_K) -> dict[int, float]:
    """Fuse several rankings of ids into one score per id: sum of 1 / (k + rank)."""
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking):
            fused[item] = fused.get(item, 0.0) + 1.0 / (k + rank + 1)
    return fused


class Retriever:
    """Ranks a course's sentences for a question."""

    def __init__(self, course: Course, embedder: Embedder, weights: RetrievalWeights | None = None):
        self.course = course
        self.embedder = embedder
        self.weights = weights or RetrievalWeights()
        passages = course.passages
        self._terms = [set(lexical_terms(p.text)) for p in passages]
        self._section_terms = {
            title: set(lexical_terms(title)) for title in {p.section for p in passages}
        }
        # Section titles are a field of every sentence under them: "COMECON" finds its section.
        self.bm25 = BM25([lexical_terms(f"{p.text} {p.section}") for p in passages])
        vocab = {w: i for i, w in enumerate(course.vocabulary)}
        self._vocab = vocab
        self._word_ids = [
            np.array(
                sorted({vocab[x] for x in content_words(f"{p.text} {p.section}") if x in vocab}),
                dtype=np.int64,
            )
            for p in passages
        ]
        n = max(self.bm25.size, 1)
        self._max_idf = float(np.log(1 + (n + 0.5) / 0.5))
        # What every question's re-ranking reads of a sentence, worked out once.
        self._neighbours = [
            (course.neighbour(p.passage_id, -1), course.neighbour(p.passage_id, 1))
            for p in passages
        ]
        self._own = [
            self._terms[i] | self._section_terms.get(p.section, set())
            for i, p in enumerate(passages)
        ]
        self._near = [
            self._terms[before.passage_id] if before else set() for before, _ in self._neighbours
        ]
        # A question or an exercise in the course ("- Describe the main causes of…") is
        # never an answer.
        self._answers = [not states_no_fact(p.text) for p in passages]
        # "It became the embodiment…" is about what the sentence before named.
        self._credit = [PRONOUN_CREDIT if leans_back(p.text) else CONTEXT_CREDIT for p in passages]
        own_numbers = [frozenset(numbers_in(p.text)) for p in passages]
        self._numbers = [
            (own_numbers[i], own_numbers[i] | (own_numbers[b.passage_id] if b else frozenset()))
            for i, (b, _) in enumerate(self._neighbours)
        ]

    def idf(self, term: str) -> float:
        return self.bm25.idf.get(term, self._max_idf)

    def is_name(self, word: str) -> bool:
        """Whether the course writes the word as a name (see Course.proper_names)."""
        return stem(word) in self.course.proper_names()

    def is_topic(self, word: str) -> bool:
        """Whether the word is the course's own subject, never an answer of its own."""
        return stem(word) in self.course.subject_words()

    def uses(self, word: str) -> bool:
        """Whether the course has the word (by stem) in a sentence or a title."""
        return stem(word) in self.bm25.idf

    def rarity(self, word: str) -> float:
        """A word's idf relative to the rarest possible: near 0 for a word in every sentence."""
        return self.idf(stem(word)) / self._max_idf

    def retrieve(
        self, question: str, followup: FollowupContext | None = None, k: int = 10
    ) -> Retrieval:
        w = self.weights
        found = self.candidates(question, followup)
        scores = found.features @ w.vector()
        previous = set(followup.passage_ids) if followup else set()
        if previous:
            for j, pid in enumerate(found.ids):
                if pid in previous and not self._holds_more(pid, found.kind, question, followup):
                    scores[j] += w.repeat
                else:
                    scores[j] += w.proximity * self._proximity(pid, previous)
        # only the best k are kept: a stable sort by score, as a list sort would give
        order = np.argsort(-scores, kind="stable")[:k]
        scored = [
            Scored(
                self.course.passages[found.ids[j]],
                float(scores[j]),
                float(found.features[j, :2].max()),
                float(found.features[j, 3]),
                bool(found.features[j, 4] == 1.0),
            )
            for j in order.tolist()
        ]
        # In a follow-up the topic is established by a turn that was answered: its words
        # count in full, and an unfamiliar word of the question ("resolved") is weaker
        # evidence that the course lacks the answer, so the share counts half.
        unknown_share = self._unknown({t: self.idf(t) for t in found.terms}, found.word_vectors)
        if followup:
            unknown_share *= FOLLOWUP_UNKNOWN_FACTOR
        return Retrieval(
            question=question,
            query=found.query,
            kind=found.kind,
            ranked=tuple(scored),
            unknown_share=unknown_share if found.terms else 1.0,
            vector=found.vector,
            previous=tuple(sorted(previous)),
        )

    def candidates(self, question: str, followup: FollowupContext | None = None) -> Candidates:
        """The sentences worth re-ranking for a question, with their feature rows: dense and
        lexical candidates fused by reciprocal rank (see the module docstring)."""
        query = (followup.query or f"{question} {followup.topic}") if followup else question
        vector, word_vectors = self._embed(query, question)
        q_terms = content_stems(question)
        topic_terms = content_stems(followup.topic) if followup else []
        all_terms = list(dict.fromkeys(q_terms + topic_terms))
        kind = expected_type(question)
        n = len(self.course.passages)
        if n == 0:
            empty = np.zeros((0, len(RANKING_FEATURES)))
            return Candidates(query, kind, [], empty, all_terms, vector, word_vectors)
        depth = min(n, self.weights.candidates)
        _, s_ids = self.course.sentence_index.search(vector[None, :], depth)
        _, c_ids = self.course.context_index.search(vector[None, :], depth)
        lexical = self.bm25.scores(q_terms + topic_terms)
        l_ids = np.argsort(-lexical)[:depth]
        fused = reciprocal_rank_fusion(
            [
                [int(i) for i in s_ids[0] if i >= 0],
                [int(i) for i in c_ids[0] if i >= 0],
                [int(i) for i in l_ids if lexical[i] > 0],
            ]
        )
        # A question or an exercise of the course is never an answer (see __init__).
        ordered = sorted(fused, key=fused.__getitem__, reverse=True)
        ids = np.array([pid for pid in ordered if self._answers[pid]], dtype=np.int64)
        dense_s = np.asarray(self.course.sentence_vectors[ids]) @ vector
        dense_c = np.asarray(self.course.context_vectors[ids]) @ vector
        lex = lexical[ids]
        lex_norm = lex / lex.max() if len(lex) and lex.max() > 0 else lex
        weights = {t: self.idf(t) * (1.0 if t in q_terms else 0.5) for t in all_terms}
        total = sum(weights.values()) or 1.0
        id_list = ids.tolist()
        soft = self._soft_matches(id_list, list(weights), word_vectors)
        asked = question_gives(question)
        q_numbers = numbers_in(question)
        rows = np.zeros((len(id_list), len(RANKING_FEATURES)), dtype=np.float64)
        for j, pid in enumerate(id_list):
            rows[j] = (
                dense_s[j],
                dense_c[j],
                lex_norm[j],
                self._coverage(pid, weights, soft[pid]) / total,
                self._typed(pid, kind, question, asked),
                self._number_agreement(pid, q_numbers),
            )
        return Candidates(query, kind, id_list, rows, all_terms, vector, word_vectors)

    def _holds_more(
        self, pid: int, kind: AnswerType, question: str, followup: FollowupContext | None
    ) -> bool:
        """Whether a sentence the last answer cited holds an answer of the asked kind that the
        conversation has not given yet ("Nine wells were drilled …, and four of them were still
        dry" for "and how many stayed dry?"): then citing it again is no repeat."""
        # Only values: a sentence names many people and places, but two counts or two dates
        # in one sentence are two answers.
        if followup is None or kind not in VALUE_KINDS:
            return False
        given = frozenset(tokens(f"{question} {followup.said}"))
        return self.course.has_new_answer(self.course.passages[pid].text, kind, question, given)

    def _proximity(self, pid: int, previous: set[int]) -> float:
        p = self.course.passages[pid]
        best = 0.0
        for other in previous:
            q = self.course.passages[other]
            if q.doc_id != p.doc_id or q.section != p.section:
                continue
            if other == pid:  # the cited sentence again, for what it holds beyond its answer
                best = 1.0
                continue
            distance = abs(pid - other)
            best = max(best, (1.0 if pid > other else BEFORE_CREDIT) / (1 + distance) * 2)
        return min(best, 1.0)

    def _typed(self, pid: int, kind: AnswerType, question: str, asked: frozenset[str]) -> float:
        if kind is AnswerType.NONE:
            return 0.0
        if self.course.has_new_answer(self.course.passages[pid].text, kind, question, asked):
            return 1.0
        for other in self._neighbours[pid]:
            if other is not None and self.course.has_new_answer(other.text, kind, question, asked):
                return 0.5
        return 0.0

    def _number_agreement(self, pid: int, asked: set[str]) -> float:
        if not asked:
            return 0.0
        own, near = self._numbers[pid]
        if asked & near:
            return 1.0
        return -1.0 if own else 0.0

    def _embed(self, query: str, question: str) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """The search vector and one vector per content word of the query.

        Words the course uses already have a vector in the index; only the others are
        embedded, in the same model call as the query.
        """
        vocab_vectors = self.course.vocabulary_vectors
        words = list(dict.fromkeys(content_words(query)))
        known = {w: self._vocab[w] for w in words if w in self._vocab}
        missing = [w for w in words if w not in known]
        embedded = self.embedder.embed([query, *missing])
        vectors = {stem(w): embedded[i + 1] for i, w in enumerate(missing)}
        if vocab_vectors is not None:
            vectors.update({stem(w): np.asarray(vocab_vectors[i]) for w, i in known.items()})
        return embedded[0], vectors

    def _unknown(self, weights: dict[str, float], word_vectors: dict[str, np.ndarray]) -> float:
        """How much of the question the course has no words for: each word it never uses counts
        by its weight, less its best similarity to a course word."""
        vocab_vectors = self.course.vocabulary_vectors
        unknown = 0.0
        for term, weight in weights.items():
            if term in self.bm25.idf:
                continue
            soft = 0.0
            vector = word_vectors.get(term)
            if vector is not None and vocab_vectors is not None and len(vocab_vectors):
                best = float(np.max(np.asarray(vocab_vectors) @ vector))
                soft = min(1.0, max(0.0, (best - SOFT_FLOOR) / (SOFT_FULL - SOFT_FLOOR)))
            unknown += weight * (1.0 - soft)
        return unknown / (sum(weights.values()) or 1.0)

    def similar(self, a: str, b: str) -> bool:
        """Whether two words are the same or near-synonyms by the course's word vectors."""
        if stem(a) == stem(b):
            return True
        vectors = self.course.vocabulary_vectors
        i, j = self._vocab.get(a), self._vocab.get(b)
        if vectors is None or i is None or j is None:
            return False
        return float(np.asarray(vectors[i]) @ np.asarray(vectors[j])) >= SAME_WORD

    def _soft_matches(
        self, candidates: list[int], terms: list[str], word_vectors: dict[str, np.ndarray]
    ) -> dict[int, np.ndarray]:
        """For each candidate, each term's best similarity to its words, scaled to [0, 1].

        One matrix product over the union of the candidates' words, not one per pair.
        """
        vocab = self.course.vocabulary_vectors
        rows = [i for i, t in enumerate(terms) if t in word_vectors]
        out = {pid: np.zeros(len(terms), dtype=np.float32) for pid in candidates}
        if vocab is None or not rows:
            return out
        if not candidates:
            return out
        lists = [self._word_ids[pid] for pid in candidates]
        words = np.concatenate(lists)
        if not len(words):
            return out
        union, positions = np.unique(words, return_inverse=True)
        term_matrix = np.stack([word_vectors[terms[i]] for i in rows])
        sims = np.asarray(vocab[union.astype(np.int64)]) @ term_matrix.T  # words x terms
        scaled = np.clip((sims - SOFT_FLOOR) / (SOFT_FULL - SOFT_FLOOR), 0.0, 1.0)
        # each candidate's best word per term: one reduction over the candidates' runs of words
        sizes = np.array([len(ids) for ids in lists])
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        present = sizes > 0
        best = np.maximum.reduceat(scaled[positions], starts[present], axis=0)
        for pid, row in zip(np.asarray(candidates)[present].tolist(), best, strict=True):
            out[pid][rows] = row
        return out

    def _coverage(self, pid: int, weights: dict[str, float], soft: np.ndarray) -> float:
        own, near, credit = self._own[pid], self._near[pid], self._credit[pid]
        got = 0.0
        for i, (term, weight) in enumerate(weights.items()):
            if term in own:
                got += weight
            else:
                got += weight * max(credit if term in near else 0.0, float(soft[i]))
        return got
