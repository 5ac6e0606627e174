"""The tutor core: retrieval, answering and conversation over a course.

Adapters import from here only.
"""

from .domain import Answer, Citation, Document, Grade, Passage, QuizItem, Section, Turn
from .errors import InvalidInput, NotFound, TutorError, Unavailable
from .service import Tutor
from .teaching import KeyRing

__all__ = [
    "Answer",
    "Citation",
    "Document",
    "Grade",
    "InvalidInput",
    "KeyRing",
    "NotFound",
    "Passage",
    "QuizItem",
    "Section",
    "Turn",
    "Tutor",
    "TutorError",
    "Unavailable",
]
