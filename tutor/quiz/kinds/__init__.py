"""The kinds of quiz item, one module each (see `kind` for what a module owns):

- `multiple_choice`: four options, the answer and three distractors of its type
- `short_answer`: the answer in free text
- `true_false`: a course sentence, as it stands or with one fact swapped

A new kind is a value of `QuizKind`, a module here, its `RULES` in `_RULES`, and a line in
`generate` where a unit's items are made.
"""

from __future__ import annotations

from ..kind import ItemKind, QuizKind
from . import multiple_choice, short_answer, true_false

_RULES: dict[QuizKind, ItemKind] = {
    rules.kind: rules for rules in (multiple_choice.RULES, short_answer.RULES, true_false.RULES)
}


def kind_of(kind: str) -> ItemKind:
    """The module of a kind, by its name (an item's `kind`); ValueError for an unknown one."""
    try:
        return _RULES[QuizKind(kind)]
    except ValueError:
        raise ValueError(f"unknown quiz kind {kind!r}") from None
