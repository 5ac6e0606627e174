"""Multiple choice: the question on one fact with four options, the answer and three
distractors of its type (see `distractors`), in an order fixed by the item's id.

Graded correct for the text of an option (case, punctuation, spacing, articles and accents
ignored; a typo of one edit in a word of 5-8 letters, two in a longer word), its letter ("b",
"B)", "(b)", "b.", "option B", "answer: B", "I think B") or its number ("2", "2)", "#2"), or
both ("B) Vienna", which must agree). A letter or number outside the options is wrong; a text
that matches no option, or as well as another one, is wrong. A bare number that is itself the
text of an option means that option, not a position.

Shown as its options to pick from: a Telegram quiz poll, an Aiken question, `=`/`~` answers
in GIFT.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...domain import Citation, Grade, QuizItem
from ...text import tokens
from ..feedback import graded, shown
from ..gift import GIFT_WEIGHT, gift_text
from ..kind import Choices, QuizKind
from ..matching import Context, context_of, match_answer
from ..questions import ask, cited_not_given, make_item
from ..values import Fact, Unit
from ..words import normalise

OPTIONS = 4


def make(unit: Unit, fact: Fact, distractors: list[str], citation: Citation) -> QuizItem:
    """The item asking for `fact`, with the first distractors as its wrong options."""
    chosen = (fact.text, *distractors[: OPTIONS - 1])
    return make_item(QuizKind.MULTIPLE_CHOICE, ask(unit, fact), fact.text, citation, chosen)


_KEY_ONLY = re.compile(
    r"^(?:i\s+(?:think|guess|choose|chose|pick|picked|say|go\s+(?:with|for))\s+)?"
    r"(?:(?:it\s+is|it's|its)\s+)?"
    r"(?:(?:the\s+)?(?:correct\s+|right\s+)?(?:answer|option|choice|letter|number)"
    r"\s*(?:is\s*)?[:#=-]?\s*)?"
    r"[#(\[]?\s*(?P<key>[a-z]|\d{1,2})\s*[)\]]?\s*[.:!?]*\s*$"
)

# "B) Vienna", "(b) Vienna", "2. Vienna" — but "2.3 thousand" is a number, not option 4.
_KEY_AND_TEXT = re.compile(
    r"^(?:(?:option|choice|answer)\s*)?[(\[]?(?P<key>[a-z]|\d{1,2})\s*(?:[)\]:]|\.(?!\d))\s*"
    r"(?:-\s*)?(?P<rest>\S.*)$"
)


def _key_index(key: str, n_options: int) -> int:
    """The 0-based option a letter or number names, or -1 when there is no such option."""
    index = ord(key) - ord("a") if key.isalpha() else int(key) - 1
    return index if 0 <= index < n_options else -1


def _option_tokens(text: str) -> list[str]:
    return [t for t in tokens(normalise(text)) if t not in ("a", "an", "the")]


def _text_choice(answer: str, options: tuple[str, ...], ctx: Context) -> int | None:
    """The option whose text the answer gives: exactly, else the unique closest fuzzy match."""
    said = _option_tokens(answer)
    if not said:
        return None
    for i, option in enumerate(options):
        if _option_tokens(option) == said:
            return i
    verdicts = [(i, match_answer(option, answer, ctx)) for i, option in enumerate(options)]
    hits = sorted((v.distance, i) for i, v in verdicts if v.ok)
    if not hits or (len(hits) > 1 and hits[0][0] == hits[1][0]):
        return None  # no option, or two equally well: the student has not chosen
    return hits[0][1]


@dataclass(frozen=True, slots=True)
class _Choice:
    index: int | None  # the option chosen, None when none could be read
    by_key: str = ""  # the letter or number as typed, when the choice came from one


def _read_choice(answer: str, options: tuple[str, ...], ctx: Context) -> _Choice:
    text = normalise(answer).strip()
    # An option's own text wins over a position: with options "1957", "1959"… "1957" is text.
    said = _option_tokens(text)
    for i, option in enumerate(options):
        if said and _option_tokens(option) == said:
            return _Choice(i)
    key = _KEY_ONLY.match(text)
    if key:
        return _Choice(_key_index(key.group("key"), len(options)), key.group("key").upper())
    key = _KEY_AND_TEXT.match(text)
    if key:
        index = _key_index(key.group("key"), len(options))
        by_text = _text_choice(key.group("rest"), options, ctx)
        # Letter and text must agree; "B) Vienna" with Vienna as option C chooses nothing.
        if index >= 0 and by_text == index:
            return _Choice(index)
        if by_text is None and index < 0:
            return _Choice(-1, key.group("key").upper())
        return _Choice(None)
    return _Choice(_text_choice(answer, options, ctx))


def _letter(index: int) -> str:
    return chr(ord("A") + index)


def _correct_option(answer: str, options: tuple[str, ...]) -> int:
    if len(options) < 2:
        raise ValueError("a multiple-choice item needs options")
    if answer in options:
        return options.index(answer)
    wanted = _option_tokens(answer)
    for i, option in enumerate(options):
        if _option_tokens(option) == wanted:
            return i
    raise ValueError(f"the answer {answer!r} is not one of the options")


def _gift_option(option: str, correct: bool) -> str:
    text = gift_text(option)
    if correct:
        return "=" + text
    return "~%0%" + text if GIFT_WEIGHT.match(text) else "~" + text


class MultipleChoice:
    kind = QuizKind.MULTIPLE_CHOICE
    free_text = False

    def check(self, item: QuizItem) -> bool:
        """Four distinct options holding the answer, which the quote has and the question
        does not give away."""
        opts = item.options or ()
        return (
            cited_not_given(item)
            and len(opts) == OPTIONS
            and len({o.lower() for o in opts}) == OPTIONS
            and item.answer in opts
        )

    def grade(self, item: QuizItem, answer: str, blank: bool) -> Grade:
        ctx = context_of(item.question, item.citation.quote)
        options = item.options or ()
        right = _correct_option(item.answer, options)
        expected = options[right]
        named = f"{_letter(right)}, “{shown(expected)}”"
        if blank:
            return graded(item, False, expected, f"No answer given: the answer is {named}.")
        choice = _read_choice(answer, options, ctx)
        if choice.index == right:
            return graded(item, True, expected, f"Correct: {named}.")
        if choice.index == -1:
            head = f"There is no option {choice.by_key}: the answer is {named}."
        elif choice.index is not None:
            head = (
                f"Not quite: you chose {_letter(choice.index)}, “{shown(options[choice.index])}”;"
                f" the answer is {named}."
            )
        else:
            head = f"Not quite: the answer is {named}."
        return graded(item, False, expected, head)

    def choices(self, item: QuizItem) -> Choices:
        options = item.options or ()
        if item.answer not in options:
            raise ValueError(f"{item.quiz_id}: answer {item.answer!r} is not an option")
        return options, options.index(item.answer)

    def answer_for_choice(self, item: QuizItem, index: int) -> str:
        return _letter(index)

    def gift_answers(self, item: QuizItem, choices: Choices | None) -> list[str]:
        assert choices is not None  # `choices` gives them for every multiple-choice item
        options, correct = choices
        return [_gift_option(o, i == correct) for i, o in enumerate(options)]


RULES = MultipleChoice()
