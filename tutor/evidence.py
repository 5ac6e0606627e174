"""The signals that say whether an answer is supported, measured on the cited window.

Each is on a scale that does not depend on the course's size or vocabulary, so one formula
can be fitted per course (see calibration):
  dense          cosine of the question and the best-ranked sentence (alone or in context)
  coverage       rarity-weighted share of the question's content words found, exactly or as
                 a near-synonym, in the answering sentence, its section title or the sentence
                 before it (see retrieval)
  unknown        rarity-weighted share of the question's words that the whole course never
                 uses and has no near-synonym for
  names_missing  share of the names the question mentions ("Titan", "Portuguese") that the
                 course uses but the cited paragraph does not: a sentence about another moon or
                 another army does not answer, however similar it reads
  untyped        the question asks for a date, a number, a quantity or a name and the cited
                 span holds none that the question does not already give; for "how many X"
                 the number must count X (or a near-synonym of it)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from .answer_types import (
    AnswerType,
    WordSimilarity,
    counted_words,
    counts_any,
    given_by,
    numbers_in,
    question_gives,
    spans_of_type,
)
from .text import STOPWORDS, WH_WORDS, stem, tokens

if TYPE_CHECKING:
    from .answering import Composed
    from .domain import Passage
    from .retrieval import Retrieval

# In a follow-up the topic is set by a turn that was answered, and a name the student adds
# ("And how did the council react?") often stands for one of its actors: half the weight.
FOLLOWUP_NAMES = 0.5
# A reason, outcome or reaction is recognised by cue words ("because", "as a result") that
# many answers do without: their absence counts a quarter of a missing date or number.
CUE_UNTYPED = 0.25
FEATURES = ("dense", "coverage", "unknown", "names_missing", "untyped", "continues")
CONTINUES_REACH = 3  # sentences after the last answer's within which a follow-up continues it
# A question word counts as written in the window when it shares this long a prefix with a
# window word ("Peruvian" ~ "Peru", "Romans" ~ "Roman").
NAME_PREFIX = 5
_NAME = re.compile(r"\b[A-Z][\w'’-]*|\b[a-z]*[A-Z]{2,}[\w-]*")
_STRICT_KINDS = (AnswerType.DATE, AnswerType.NUMBER, AnswerType.QUANTITY, AnswerType.NAME)


@dataclass(frozen=True)
class Evidence:
    dense: float
    coverage: float
    unknown: float
    names_missing: float
    untyped: float
    continues: float = 0.0

    def vector(self) -> tuple[float, ...]:
        return (
            self.dense,
            self.coverage,
            self.unknown,
            self.names_missing,
            self.untyped,
            self.continues,
        )


def question_names(question: str) -> list[str]:
    """Words the student capitalised mid-sentence, and acronyms anywhere: the names asked
    about. The first word is capitalised by grammar; wh-words and stop words are not names."""
    names: list[str] = []
    for match in _NAME.finditer(question):
        word = match.group().rstrip("'’").removesuffix("'s").removesuffix("’s")
        lower = word.lower()
        if match.start() == 0 and not word.isupper():
            continue
        if lower in STOPWORDS or lower in WH_WORDS or len(lower) < 2:
            continue
        names.append(word)
    return list(dict.fromkeys(names))


def _written(name: str, window_words: set[str], window_stems: set[str]) -> bool:
    lower = name.lower()
    if lower in window_words or stem(lower) in window_stems:
        return True
    if len(lower) >= NAME_PREFIX:
        prefix = lower[:NAME_PREFIX]
        return any(w.startswith(prefix) for w in window_words)
    return False


def names_missing(
    question: str,
    window: str,
    rarity: Callable[[str], float] = lambda _: 1.0,
    similar: WordSimilarity | None = None,
    uses: Callable[[str], bool] = lambda _: True,
) -> float:
    """Rarity-weighted share of the question's names and numerals (a year) that the course
    uses but the window does not write. A name the course uses everywhere ("Soviet" in a
    course on Soviet policy) weighs little: the window's sentence is about it whether or not
    it repeats it; a name that is a near-synonym of a window word counts as written."""
    numerals = sorted(numbers_in(question))
    names = question_names(question) + numerals
    if not names:
        return 0.0
    words = set(tokens(window))
    for word in list(words):
        words.update(p for p in re.split(r"[-.’']", word) if p)
    stems = {stem(w) for w in words}
    total = missing = 0.0
    for name in names:
        if name not in numerals and not uses(name.lower()):
            continue  # a name the course never uses is the unknown words' signal, not this
        weight = rarity(name.lower())
        total += weight
        if _written(name, words, stems):
            continue
        if similar is not None and any(similar(name.lower(), w) for w in words):
            continue
        missing += weight
    return missing / total if total else 0.0


def untyped(kind: AnswerType, typed: bool, question: str, span: str, words: CourseWords) -> float:
    """1 when the span lacks what the question asks for (see the module docstring)."""
    if kind is AnswerType.NONE:
        return 0.0
    if not typed:
        return 1.0 if kind in _STRICT_KINDS else CUE_UNTYPED
    counted = counted_words(question) if kind is AnswerType.NUMBER else []
    if counted and not counts_any(span, counted, words.similar):
        return 1.0
    if kind is AnswerType.NAME and not _new_name(question, span, words):
        return 1.0
    return 0.0


def _new_name(question: str, span: str, words: CourseWords) -> bool:
    """Whether the span names someone or something the question does not, other than the
    course's own subject ("Soviet" answers no "who" in a course on Soviet policy)."""
    asked = question_gives(question)
    for name in spans_of_type(span, AnswerType.NAME):
        name_words = [w for w in tokens(name) if not given_by(w, asked) and w not in STOPWORDS]
        if any(words.is_name(w) and not words.is_topic(w) for w in name_words):
            return True
    return False


class CourseWords(Protocol):
    """What the signals need to know of the course's words (the retriever knows it)."""

    def similar(self, a: str, b: str) -> bool: ...

    def rarity(self, word: str) -> float: ...

    def uses(self, word: str) -> bool: ...

    def is_topic(self, word: str) -> bool: ...

    def is_name(self, word: str) -> bool: ...


def measure(retrieval: Retrieval, composed: Composed, words: CourseWords) -> Evidence:
    """The signals for an answer composed from a retrieval (see the module docstring)."""
    lead = composed.lead
    if lead is None:
        return Evidence(0.0, 0.0, 1.0, 1.0, 1.0, 0.0)
    return Evidence(
        dense=lead.dense,
        coverage=lead.coverage,
        unknown=retrieval.unknown_share,
        names_missing=names_missing(
            retrieval.question, composed.window, words.rarity, words.similar, words.uses
        )
        * (FOLLOWUP_NAMES if retrieval.query != retrieval.question else 1.0),
        untyped=untyped(retrieval.kind, composed.typed, retrieval.question, composed.span, words),
        continues=_continues(retrieval, lead.passage),
    )


def _continues(retrieval: Retrieval, lead: Passage) -> float:
    """1 when a follow-up's answer comes just after what the last answer cited, in the same
    paragraph ("And how did the council react?" after the strike): the conversation vouches
    for it."""
    for pid in retrieval.previous:
        distance = lead.passage_id - pid
        # a paragraph's sentences are numbered in a row: `position` says how far back it goes
        if 0 < distance <= CONTINUES_REACH and lead.position >= distance:
            return 1.0
    return 0.0
