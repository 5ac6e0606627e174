"""Grading a student's answer to a quiz item: `grade(item, answer) -> Grade`.

Every verdict comes with feedback that quotes the cited source sentence, so a student can see
why (`feedback`). What counts as right depends on the item's kind, and each kind's module
states its rules: `kinds.multiple_choice`, `kinds.true_false`, `kinds.short_answer`.

An empty answer is wrong; an answer that is not a string, or longer than
`MAX_ANSWER_CHARS`, raises `InvalidInput`. Text is NFKC-normalised and accents are dropped
before comparison (`words`), so any Unicode is graded, never a crash.
"""

from __future__ import annotations

from ..domain import Grade, QuizItem
from ..errors import InvalidInput
from ..text import ANSWER_CHARS, tokens
from .kinds import kind_of
from .words import normalise

MAX_ANSWER_CHARS = ANSWER_CHARS


def _validate(answer: object) -> str:
    if not isinstance(answer, str):
        raise InvalidInput(f"answer must be a string, not {type(answer).__name__}")
    if len(answer) > MAX_ANSWER_CHARS:
        raise InvalidInput(
            f"answer is too long: {len(answer)} characters, the limit is {MAX_ANSWER_CHARS}"
        )
    return answer


def grade(item: QuizItem, answer: str) -> Grade:
    """Grade one attempt at `item`; raises `InvalidInput` for a non-string or over-long answer.

    A malformed item (unknown kind, multiple choice whose answer is not one of its options,
    true/false whose answer is neither) is a bug upstream and raises ValueError.
    """
    answer = _validate(answer)
    blank = not tokens(normalise(answer))
    return kind_of(item.kind).grade(item, answer, blank)
