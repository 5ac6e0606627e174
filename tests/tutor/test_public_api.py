"""The package's public surface, which adapters import from."""

from __future__ import annotations

import importlib

import tutor
from tutor import domain, errors, service

EXPORTED = [
    "Answer",
    "ApiKey",
    "AuditFilter",
    "AuditRecord",
    "BatchingEmbedder",
    "CHANNELS",
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
    "DEFAULT_COURSE",
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
    "NO_OBSERVER",
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
    "VERSION_LINK",
    "dump_items",
    "kind_of",
    "open_buckets",
    "open_store",
    "shape_of",
    "to_aiken",
    "to_gift",
    "with_corrections",
]


def test_all_is_exactly_the_exported_set() -> None:
    assert sorted(tutor.__all__) == EXPORTED
    assert len(tutor.__all__) == len(set(tutor.__all__))


def test_every_exported_name_imports() -> None:
    namespace: dict[str, object] = {}
    exec("from tutor import *", namespace)
    assert set(EXPORTED) <= set(namespace)
    for name in EXPORTED:
        assert getattr(importlib.import_module("tutor"), name) is namespace[name]


def test_exports_are_the_defining_objects() -> None:
    assert tutor.Tutor is service.Tutor
    assert tutor.Answer is domain.Answer
    assert tutor.Citation is domain.Citation
    assert tutor.InvalidInput is errors.InvalidInput


def test_error_tree() -> None:
    for name in ("InvalidInput", "NotFound", "Unavailable"):
        assert issubclass(getattr(tutor, name), tutor.TutorError)
    assert issubclass(tutor.TutorError, Exception)
    assert not issubclass(tutor.InvalidInput, tutor.NotFound)
