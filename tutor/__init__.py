"""The tutor core: retrieval, answering and conversation over a course.

Adapters (`bots/`) import from here only: a test holds them to these names. The one place
that builds concrete parts from settings, `bots/wiring.py`, is the exception.
"""

from .domain import (
    Answer,
    AuditFilter,
    AuditRecord,
    Citation,
    Document,
    Grade,
    Passage,
    Progress,
    QuizItem,
    RateDecision,
    Section,
    Turn,
)
from .errors import InvalidInput, NotFound, TooLarge, TutorError, Unavailable, Unsupported
from .library import IndexState
from .observe import NO_OBSERVER, Observer
from .ports import RateBuckets
from .quiz import ItemKind, QuizKind, dump_items, kind_of, to_aiken, to_gift
from .service import CHANNELS, Limits, Tutor
from .settings import Settings
from .stores.buckets import MemoryBuckets
from .teaching import KeyRing

__all__ = [
    "CHANNELS",
    "NO_OBSERVER",
    "Answer",
    "AuditFilter",
    "AuditRecord",
    "Citation",
    "Document",
    "Grade",
    "IndexState",
    "InvalidInput",
    "ItemKind",
    "KeyRing",
    "Limits",
    "MemoryBuckets",
    "NotFound",
    "Observer",
    "Passage",
    "Progress",
    "QuizItem",
    "QuizKind",
    "RateBuckets",
    "RateDecision",
    "Section",
    "Settings",
    "TooLarge",
    "Turn",
    "Tutor",
    "TutorError",
    "Unavailable",
    "Unsupported",
    "dump_items",
    "kind_of",
    "to_aiken",
    "to_gift",
]
