"""The tutor core: retrieval, answering and conversation over a course.

Adapters (`bots/`) import from here only: a test holds them to these names. The one place
that builds concrete parts from settings, `bots/wiring.py`, is the exception.
"""

from .campus import Campus, CoursePlace
from .class_report import ClassReport, MissedItem, SectionReport
from .corrections import with_corrections
from .course import Course
from .courses import CourseFolders, CourseRegistry
from .domain import (
    DEFAULT_COURSE,
    Answer,
    ApiKey,
    AuditFilter,
    AuditRecord,
    Citation,
    CitedCorrection,
    Correction,
    CourseInfo,
    Document,
    Grade,
    Grant,
    Passage,
    PinnedCorrection,
    Progress,
    QuizItem,
    RateDecision,
    Reminder,
    ReviewSummary,
    Section,
    Turn,
)
from .embedding import BatchingEmbedder, CachingEmbedder, Lexicon, LexiconEmbedder
from .errors import (
    InvalidInput,
    NoDocuments,
    NotFound,
    TooLarge,
    TutorError,
    Unavailable,
    Unsupported,
)
from .library import VERSION_LINK, IndexState
from .limits import Limits
from .observe import NO_OBSERVER, Observer
from .ports import Embedder, KeyStore, RateBuckets, StateStore
from .quiz import ItemKind, QuizKind, dump_items, kind_of, shape_of, to_aiken, to_gift
from .service import CHANNELS, Tutor
from .settings import Settings
from .stores import open_buckets, open_store
from .stores.buckets import MemoryBuckets
from .teaching import KeyRing, UncoveredTopic

__all__ = [
    "CHANNELS",
    "DEFAULT_COURSE",
    "NO_OBSERVER",
    "VERSION_LINK",
    "Answer",
    "ApiKey",
    "AuditFilter",
    "AuditRecord",
    "BatchingEmbedder",
    "CachingEmbedder",
    "Campus",
    "Citation",
    "CitedCorrection",
    "ClassReport",
    "Correction",
    "Course",
    "CourseFolders",
    "CourseInfo",
    "CoursePlace",
    "CourseRegistry",
    "Document",
    "Embedder",
    "Grade",
    "Grant",
    "IndexState",
    "InvalidInput",
    "ItemKind",
    "KeyRing",
    "KeyStore",
    "Lexicon",
    "LexiconEmbedder",
    "Limits",
    "MemoryBuckets",
    "MissedItem",
    "NoDocuments",
    "NotFound",
    "Observer",
    "Passage",
    "PinnedCorrection",
    "Progress",
    "QuizItem",
    "QuizKind",
    "RateBuckets",
    "RateDecision",
    "Reminder",
    "ReviewSummary",
    "Section",
    "SectionReport",
    "Settings",
    "StateStore",
    "TooLarge",
    "Turn",
    "Tutor",
    "TutorError",
    "Unavailable",
    "UncoveredTopic",
    "Unsupported",
    "dump_items",
    "kind_of",
    "open_buckets",
    "open_store",
    "shape_of",
    "to_aiken",
    "to_gift",
    "with_corrections",
]
