"""Short answer: the question on one fact, answered in free text.

Graded correct when the content words of the expected span are all in the answer, fuzzily as
for an option's text (see `kinds.multiple_choice`), except that one of three or more may be
missing; numbers and month names are strict: every one in the expected answer must be there
exactly (ordinals equal their number, "2.3 thousand" equals "2300", small number words equal
their digits, "50's" equals "1950s"), and the answer may carry no other number or month than
those the question itself states. A leading "more than" / "about" / "over" (...) of the
expected answer is optional, but a contrary or added qualifier ("less than 70" for "more than
70", "before 1957" for "1957") is wrong. Tolerated around the answer: filler ("I think it's",
"the answer is", "in"), the question's words, the quote's common (lower-case) words and the
rest of the name the answer is part of in the quote ("Imre Nagy" for "Nagy"). Any other word
names something else and makes the answer wrong, as do negations ("not Vienna") and lists of
candidates: "Vienna or Berlin", "Vienna/Moscow" always; "Vienna, Berlin", "1957 and 1959" when
the other item is not already in the question. The rules are in `matching`.

Shown as a question to reply to in free text; in GIFT as `=answer`, plus the answer without
its leading article; Aiken cannot express it.
"""

from __future__ import annotations

import re

from ...domain import Citation, Grade, QuizItem
from ..feedback import graded, shown
from ..gift import GIFT_WEIGHT, flat, gift_text
from ..kind import Choices, QuizKind
from ..matching import Verdict, context_of, match_answer
from ..questions import ask, cited_not_given, make_item
from ..values import Fact, Unit

_LEADING_ARTICLE = re.compile(r"(?:the|an?)\s+(?=\S)", re.IGNORECASE)


def make(unit: Unit, fact: Fact, citation: Citation) -> QuizItem:
    return make_item(QuizKind.SHORT_ANSWER, ask(unit, fact), fact.text, citation)


_WHY = {
    "empty": "No answer given",
    "list": "Give one answer, not several",
    "number": "Check the number",
    "month": "Check the date",
    "qualifier": "Not quite",
    "negation": "Not quite",
    "missing": "Not quite",
    "extra": "Not quite",
}


class ShortAnswer:
    kind = QuizKind.SHORT_ANSWER
    free_text = True

    def check(self, item: QuizItem) -> bool:
        return cited_not_given(item)

    def grade(self, item: QuizItem, answer: str, blank: bool) -> Grade:
        ctx = context_of(item.question, item.citation.quote)
        expected = item.answer
        verdict = Verdict(False, "empty") if blank else match_answer(expected, answer, ctx)
        if verdict.ok:
            head = "Correct."
            if verdict.distance:
                head = f"Correct (it is spelled “{shown(expected)}”)."
            return graded(item, True, expected, head)
        why = _WHY.get(verdict.reason, "Not quite")
        return graded(item, False, expected, f"{why}: the answer is “{shown(expected)}”.")

    def choices(self, item: QuizItem) -> None:
        return None

    def answer_for_choice(self, item: QuizItem, index: int) -> str:
        raise ValueError(f"{item.quiz_id}: a short-answer item has no options to pick")

    def gift_answers(self, item: QuizItem, choices: Choices | None) -> list[str]:
        """`=answer`, and `=answer` without its leading article ("the Hanseatic League" → "Hanseatic
        Pact"); see `export` for the hazards avoided."""
        answer = flat(item.answer)
        if not answer:
            raise ValueError(f"{item.quiz_id}: empty answer")
        forms = [answer]
        article = _LEADING_ARTICLE.match(answer)
        if article:
            forms.append(answer[article.end() :])
        texts = [gift_text(f.replace("*", "\\*")) for f in forms]
        if any("->" in t for t in texts):
            return ["%100%" + texts[0]]
        return ["=%100%" + t if GIFT_WEIGHT.match(t) else "=" + t for t in texts]


RULES = ShortAnswer()
