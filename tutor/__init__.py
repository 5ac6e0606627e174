"""The tutor core: retrieval, answering and conversation over a course.

Adapters import from here only.
"""

from .domain import Answer, Citation, Document, Grade, Passage, QuizItem, Section, Turn
from .errors import InvalidInput, NotFound, TutorError, Unavailable
from .quiz import ItemKind, QuizKind, dump_items, kind_of, to_aiken, to_gift
from .service import Tutor
from .teaching import KeyRing

__all__ = [
    "Answer",
    "Citation",
    "Document",
    "Grade",
    "InvalidInput",
    "ItemKind",
    "KeyRing",
    "NotFound",
    "Passage",
    "QuizItem",
    "QuizKind",
    "Section",
    "Turn",
    "Tutor",
    "TutorError",
    "Unavailable",
    "dump_items",
    "kind_of",
    "to_aiken",
    "to_gift",
]
