"""What a kind of quiz item is: its name (`QuizKind`, the one list of kinds) and what its
module owns (`ItemKind`).

Each kind lives in one module of `tutor/quiz/kinds/`, which makes its items from a unit of
the course, checks them, grades attempts and says how an adapter shows them: as options to
pick from (a Telegram quiz poll, an Aiken question) or as a question to answer in free text.
`kinds.kind_of(name)` finds the module of a kind; adapters branch on a kind only through it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from ..domain import Grade, QuizItem


class QuizKind(StrEnum):
    """The kinds of item; a value is the item's `kind` on the wire and in the state store."""

    MULTIPLE_CHOICE = "multiple_choice"
    SHORT_ANSWER = "short_answer"
    TRUE_FALSE = "true_false"


# The options a learner picks from, as shown, and the index of the correct one.
Choices = tuple[tuple[str, ...], int]


class ItemKind(Protocol):
    """One kind of item: how it is checked, graded, shown and exported."""

    @property
    def kind(self) -> QuizKind: ...

    @property
    def free_text(self) -> bool:
        """Answered by typing (a message to reply to), not by picking one of `choices`."""
        ...

    def check(self, item: QuizItem) -> bool:
        """Whether a generated item is sound (its citation is checked by the generator)."""
        ...

    def grade(self, item: QuizItem, answer: str, blank: bool) -> Grade:
        """The verdict on `answer` (already validated; `blank` when it has no word)."""
        ...

    def choices(self, item: QuizItem) -> Choices | None:
        """The options to pick from and the correct one; None for a free-text kind. Raises
        ValueError for a malformed item."""
        ...

    def answer_for_choice(self, item: QuizItem, index: int) -> str:
        """The answer `grade` reads for a pick of option `index` (a poll's answer)."""
        ...

    def gift_answers(self, item: QuizItem, choices: Choices | None) -> list[str]:
        """The answer lines of the item's GIFT block (see `export`); `choices` as `choices`
        gives them, on one line each."""
        ...
