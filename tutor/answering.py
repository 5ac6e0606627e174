"""Extractive answers: the sentence(s) that answer, cleaned, with exact citations.

The best-ranked sentence is the core of the answer. It is widened to a neighbour in two
cases, and the citation then spans both sentences so the quote still reads on its own:
  * it leans on the sentence before ("It had…", "During it,…", "Its length…"), or
  * it lacks the kind of answer the question asks for (a date, a number, a name) and the
    adjacent sentence has one ("…talks with the guilds. In 1412, a charter…").
A second sentence joins the answer only when it ranks almost as high and sits in the same
paragraph. Nothing goes into the answer that is not in a cited quote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .answer_types import (
    AnswerType,
    asked_class,
    given_by,
    question_gives,
    spans_of_type,
)
from .course import Course
from .domain import Citation, Passage
from .retrieval import Retrieval, Scored
from .text import ANSWER_CHARS, STOPWORDS, leans_back, stem, tokens

MAX_ANSWER_CHARS = ANSWER_CHARS
MAX_QUOTE_CHARS = 600
SECOND_SENTENCE_RATIO = 0.93  # a second sentence must score this close to the first
MAX_CITATIONS = 3
SUPPORT_RATIO = 0.9  # a further citation must score this close to the answer's sentence
LEAD_REACH = 3  # sentences away from the best one that may hold its missing answer
LEAD_RATIO = 0.8  # and how close their score must be
# kinds of answer a reply names first ("Ann Lee: …"); a reason or a reaction is the sentence
LEAD_ALREADY = 8  # characters into the answer within which it already leads with it
LEADING_KINDS = (AnswerType.DATE, AnswerType.NUMBER, AnswerType.QUANTITY, AnswerType.NAME)

_CONNECTIVE = re.compile(
    r"^(?:(?:thus|however|but|and|also|moreover|furthermore|nevertheless|accordingly|"
    r"therefore|hence|consequently|at the same time(?! as\b))\b,?|"
    r"(?:so|basically|undoubtedly|meanwhile|besides|indeed|in addition|in turn|as a result),)"
    r"\s+",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Composed:
    text: str
    citations: tuple[Citation, ...]
    typed: bool  # the cited span holds the kind of answer asked for (or none was asked)
    lead: Scored | None = None  # the ranked sentence the answer starts from
    span: str = ""  # the text of the first citation, uncut
    window: str = ""  # the span's paragraph with its section title


def clean_sentence(text: str) -> str:
    """Drop a leading discourse connective ("Thus,", "However,") and re-capitalise."""
    stripped = _CONNECTIVE.sub("", text, count=1)
    if stripped is text or not stripped:
        return text
    return stripped[0].upper() + stripped[1:]


def _span_text(course: Course, doc_id: str, start: int, end: int) -> str:
    return course.documents[doc_id].text[start:end]


def _citation(course: Course, first: Passage, last: Passage, score: float) -> Citation:
    start, end = first.start, last.end
    if end - start > MAX_QUOTE_CHARS:  # a very long sentence: quote its opening words
        cut = course.documents[first.doc_id].text.rfind(" ", start, start + MAX_QUOTE_CHARS)
        end = cut if cut > start else start + MAX_QUOTE_CHARS
    quote = _span_text(course, first.doc_id, start, end)
    return Citation(first.doc_id, first.section, start, end, quote, round(score, 4))


_YEAR_AFTER = re.compile(r"[ ,]*(?:\d{1,2}(?:st|nd|rd|th)?,? +)?(?:1\d|20)\d\d\b")


def _with_year(span: str, date: str) -> str:
    """A month or day with the year the span writes right after it ("May 1955")."""
    at = span.find(date)
    if at < 0 or date[-4:].isdigit():
        return date
    year = _YEAR_AFTER.match(span, at + len(date))
    return span[at : year.end()] if year else date


def _shorten(text: str, limit: int = MAX_ANSWER_CHARS) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit - 1)
    return text[: cut if cut > 0 else limit - 1].rstrip(",;:") + "…"


class ExtractiveComposer:
    """Builds the answer text and citations from a retrieval."""

    def __init__(self, course: Course):
        self.course = course
        self._vocab = {w: i for i, w in enumerate(course.vocabulary)}

    def widen(self, best: Passage, retrieval: Retrieval) -> tuple[Passage, Passage]:
        """The first and last sentence of the span that answers on its own."""
        first, last = best, best
        before = self.course.neighbour(best.passage_id, -1)
        after = self.course.neighbour(best.passage_id, 1)
        kind, question = retrieval.kind, retrieval.question
        if before and leans_back(best.text):
            first = before
        if not self.course.has_new_answer(
            best.text, kind, question
        ) and not self.course.has_new_answer(first.text, kind, question):
            if before and first is best and self.course.has_new_answer(before.text, kind, question):
                first = before
            elif after and self.course.has_new_answer(after.text, kind, question):
                last = after
        return first, last

    def compose(self, retrieval: Retrieval) -> Composed:
        ranked = retrieval.ranked
        if not ranked:
            return Composed("", (), False)
        top = self._lead(retrieval)
        first, last = self.widen(top.passage, retrieval)
        citations = [_citation(self.course, first, last, top.score)]
        used = set(range(first.passage_id, last.passage_id + 1))
        parts = [clean_sentence(_span_text(self.course, first.doc_id, first.start, last.end))]
        for other in ranked:
            if len(citations) >= MAX_CITATIONS:
                break
            pid = other.passage.passage_id
            if pid in used or not self._supports(top, other):
                continue
            citations.append(_citation(self.course, other.passage, other.passage, other.score))
            used.add(pid)
            if len(parts) == 1 and self._joins_answer(top, other, last):
                joined = parts[0] + " " + other.passage.text
                if len(joined) <= MAX_ANSWER_CHARS:
                    parts = [joined]
        span = _span_text(self.course, first.doc_id, first.start, last.end)
        typed = retrieval.kind is AnswerType.NONE or self.course.has_new_answer(
            span, retrieval.kind, retrieval.question
        )
        paragraph = self.course.paragraph_of(first.passage_id)
        window = " ".join((first.section, *(p.text for p in paragraph)))
        text = parts[0]
        asked = self.asked_span(span, retrieval)
        if asked and asked not in text[: len(asked) + LEAD_ALREADY]:
            text = f"{asked}: {text}"
        return Composed(_shorten(text), tuple(citations), typed, top, span, window)

    def asked_span(self, span: str, retrieval: Retrieval) -> str | None:
        """The name, date, place or number the question asks for, as the span writes it.

        Of several candidates ("Lee and Park" for "Who was the mayor then?") the
        one whose words the model places nearest the question leads; the rest of the sentence
        follows it, so a wrong pick still shows the right one.
        """
        if retrieval.kind not in LEADING_KINDS:
            return None
        # in a follow-up the query carries the topic, whose values are given too ("Apollo 11")
        asked = question_gives(retrieval.question) | question_gives(retrieval.query)
        named_class = asked_class(retrieval.question)
        found = []
        for candidate in spans_of_type(span, retrieval.kind):
            words = {w for w in tokens(candidate) if w not in STOPWORDS}
            given = any(given_by(w, asked) for w in words)
            stems = {stem(w) for w in words}
            subject = stems <= self.course.subject_words()
            # "Remained" at a sentence's start is no name the course knows
            unnamed = retrieval.kind is AnswerType.NAME and not stems & self.course.proper_names()
            if words and not given and not subject and not unnamed and candidate not in found:
                found.append(candidate)
        if retrieval.kind is AnswerType.DATE:
            found = [_with_year(span, c) for c in found]
        if named_class:
            of_class = [
                c for c in found if named_class in {stem(w) for w in tokens(c)} | set(tokens(c))
            ]
            found = of_class or found
        if len(found) <= 1 or retrieval.vector is None or self.course.vocabulary_vectors is None:
            return found[0] if found else None
        vectors = self.course.vocabulary_vectors

        def nearness(candidate: str) -> float:
            rows = [self._vocab[w] for w in tokens(candidate) if w in self._vocab]
            if not rows:
                return -1.0
            return float(np.max(np.asarray(vectors[rows]) @ retrieval.vector))

        return max(found, key=nearness)

    def _lead(self, retrieval: Retrieval) -> Scored:
        """The sentence the answer starts from.

        Normally the best-ranked one. But when it only restates the question's topic without
        the kind of answer asked for ("A shared canal network was planned" for "Who paid for
        the canal network?"), a sentence of the same paragraph that holds one and ranks
        nearly as high answers instead ("The merchants' league paid for most of it").
        """
        top = retrieval.ranked[0]
        if retrieval.kind is AnswerType.NONE or top.typed:
            return top
        for other in retrieval.ranked[1:]:
            near = (
                other.passage.paragraph == top.passage.paragraph
                and abs(other.passage.passage_id - top.passage.passage_id) <= LEAD_REACH
            )
            if near and other.typed and other.score >= LEAD_RATIO * top.score:
                return other
        return top

    def _supports(self, top: Scored, other: Scored) -> bool:
        """A further sentence is cited only when it ranks nearly as high as the answer's and
        comes from the same document: a teacher checking sources should not read noise."""
        return (
            other.passage.doc_id == top.passage.doc_id and other.score >= SUPPORT_RATIO * top.score
        )

    def _joins_answer(self, top: Scored, other: Scored, last: Passage) -> bool:
        """A second sentence joins when it scores close and directly follows the first."""
        return (
            other.score >= SECOND_SENTENCE_RATIO * top.score
            and other.passage.paragraph == last.paragraph
            and other.passage.passage_id == last.passage_id + 1
        )
