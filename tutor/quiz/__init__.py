"""Quizzes over a course, made without a model: generation, the kinds of item, grading,
the bank a learner's items are chosen from, spaced repetition and LMS export.

Where things are:

- `kind` names the kinds (`QuizKind`, the one list of them) and says what a kind's module
  owns (`ItemKind`); `kinds/` holds one module per kind: how its items are made, checked,
  graded, shown (options to pick or free text) and exported. Adapters branch on a kind
  only through `kind_of(item.kind)`.
- generation (`generate_items`, see `generate` for the approach): `sentences` prepares course
  sentences, `gazetteer` and `names` type names, `facts` finds facts, `distractors` finds
  wrong answers of the same type, `questions` builds units and items, `wh` (with
  `clauses`, `verbs` and `reach`) turns a fact into a wh-question, `vague` drops sentences too
  vague to ask about.
- grading (`grade`): `words` and `matching` compare free text, `feedback` quotes the source.
- `bank` (the course's items, choosing the next one, progress), `salience` (which items
  matter most), `scheduling` (FSRS, and reading SM-2 schedules),
  `export` (GIFT and Aiken).
"""

from .bank import QuizBook, choose, progress
from .export import to_aiken, to_gift
from .facts import course_facts
from .feedback import MAX_FEEDBACK_CHARS
from .generate import dump_items, generate_items
from .grading import MAX_ANSWER_CHARS, grade
from .kind import Choices, ItemKind, QuizKind
from .kinds import kind_of
from .questions import BLANK, shape_of
from .scheduling import next_review, rating_for, reschedule
from .values import Fact, FactType
from .wh import WH_WORD

__all__ = [
    "BLANK",
    "MAX_ANSWER_CHARS",
    "MAX_FEEDBACK_CHARS",
    "WH_WORD",
    "Choices",
    "Fact",
    "FactType",
    "ItemKind",
    "QuizBook",
    "QuizKind",
    "choose",
    "course_facts",
    "dump_items",
    "generate_items",
    "grade",
    "kind_of",
    "next_review",
    "progress",
    "rating_for",
    "reschedule",
    "shape_of",
    "to_aiken",
    "to_gift",
]
