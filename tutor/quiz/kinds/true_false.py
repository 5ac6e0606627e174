"""True or false: a course sentence as a statement, as it stands or with one fact swapped
for a distractor (when no sentence of the course could make the swapped one true).

Graded on true/yes/t/y/correct/right or false/no/f/n/incorrect/wrong, in any case, with
trailing punctuation or a short frame ("it's true", "the statement is false"); "not" flips the
word after it ("it's not true"). Anything else, or both at once, is wrong.

Shown as two options, "True" and "False": a Telegram quiz poll, `T`/`F` in GIFT.
"""

from __future__ import annotations

from ...course import Course
from ...domain import Citation, Grade, QuizItem
from ...text import content_words, tokens
from ..feedback import graded
from ..kind import Choices, QuizKind
from ..questions import make_item, tidy
from ..values import Fact, Unit, mentions, text_hash
from ..words import normalise

FALSE_SHARE = 3  # out of 5 units try a false statement (some cannot be swapped)
TF_OPTIONS = ("True", "False")


def _truth_guard(course: Course, unit: Unit, fact: Fact, swap: str) -> bool:
    """True when no course sentence could make the swapped statement true: none that holds
    the swapped value shares most of the original sentence's other words."""
    others = set(content_words(unit.sentence[: fact.start] + " " + unit.sentence[fact.end :]))
    if not others:
        return True
    for passage in course.passages:
        if passage.passage_id == unit.last.passage_id or not mentions(passage.text, swap):
            continue
        if len(others & set(content_words(passage.text))) >= 0.5 * len(others):
            return False
    return True


def make(
    course: Course,
    unit: Unit,
    ordered: list[Fact],
    options: dict[Fact, list[str]],
    citation: Citation,
    avoid: set[Fact | None],
) -> QuizItem:
    """A true statement, or for some units (by a hash) a false one: a fact, preferably one
    not asked in `avoid`, swapped for its first distractor no course sentence makes true."""
    statement = tidy(unit.stem)
    wants_false = int(text_hash(unit.stem)[:8], 16) % 5 < FALSE_SHARE
    swappable = sorted(ordered, key=lambda f: f in avoid)  # prefer a fact not yet asked
    for fact in swappable if wants_false else []:
        swap = next((o for o in options[fact] if _truth_guard(course, unit, fact, o)), None)
        if swap:
            changed = unit.sentence[: fact.start] + swap + unit.sentence[fact.end :]
            false = tidy(f"{unit.context} {changed}")
            return make_item(QuizKind.TRUE_FALSE, f"True or false: {false}", "false", citation)
    return make_item(QuizKind.TRUE_FALSE, f"True or false: {statement}", "true", citation)


_TRUE = frozenset(["true", "yes", "t", "y", "correct", "right", "yep", "yeah", "yup"])

_FALSE = frozenset(["false", "no", "f", "n", "incorrect", "wrong", "nope", "nah", "untrue"])

_TF_FRAME = frozenset(
    """it it's its is was that that's this the statement sentence claim answer i i'd i'm im
    think say would guess believe definitely certainly probably surely pretty quite totally
    completely absolutely entirely very sure be must my""".split()
)

_TF_NEGATED = frozenset(["not", "isn't", "wasn't", "isnt", "wasnt"])


def _read_verdict(answer: str) -> bool | None:
    """True or False as the student said it, or None when the answer says neither (or both)."""
    said: set[bool] = set()
    flip = False
    for word in tokens(normalise(answer)):
        if word in _TF_NEGATED:
            flip = not flip
        elif word in _TRUE or word in _FALSE:
            said.add((word in _TRUE) != flip)
            flip = False
        elif word not in _TF_FRAME:
            return None  # a word that is no part of a verdict: not read as one
    return said.pop() if len(said) == 1 else None


class TrueFalse:
    kind = QuizKind.TRUE_FALSE
    free_text = False

    def check(self, item: QuizItem) -> bool:
        return item.answer in ("true", "false") and item.options is None

    def grade(self, item: QuizItem, answer: str, blank: bool) -> Grade:
        truth = _read_verdict(item.answer)
        if truth is None:
            raise ValueError(f"true/false item {item.quiz_id!r} has answer {item.answer!r}")
        expected = "true" if truth else "false"
        said = None if blank else _read_verdict(answer)
        if said is None:
            what = "No answer given" if blank else "Answer true or false"
            return graded(item, False, expected, f"{what}: the statement is {expected}.")
        if said == truth:
            return graded(item, True, expected, f"Correct: the statement is {expected}.")
        return graded(item, False, expected, f"Not quite: the statement is {expected}.")

    def choices(self, item: QuizItem) -> Choices:
        truth = item.answer.strip().lower()
        if truth not in ("true", "false"):
            raise ValueError(f"{item.quiz_id}: true/false answer {item.answer!r}")
        return TF_OPTIONS, 0 if truth == "true" else 1

    def answer_for_choice(self, item: QuizItem, index: int) -> str:
        return "true" if index == 0 else "false"

    def gift_answers(self, item: QuizItem, choices: Choices | None) -> list[str]:
        assert choices is not None  # `choices` gives them for every true/false item
        return ["T" if choices[1] == 0 else "F"]


RULES = TrueFalse()
