"""The seams the core depends on; `index` and the state stores implement them.

Each seam is small, so a second implementation (a hashing embedder in tests, Redis instead of
SQLite) is a small class. State is split by owner (sessions, progress, keys, audit, links,
corrections, the course catalog, reminders, rate buckets); `StateStore` is all the owners'
parts that one backend provides together.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

import numpy as np

from .domain import (
    DEFAULT_COURSE,
    ApiKey,
    Attempt,
    AuditFilter,
    AuditRecord,
    Correction,
    CourseInfo,
    Grant,
    QuizItem,
    RateDecision,
    Reminder,
    Review,
    Turn,
)

if TYPE_CHECKING:  # the course imports this module for VectorIndex
    from .course import Course


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors, one row per text."""

    @property
    def name(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


class VectorIndex(Protocol):
    """Nearest neighbours by inner product over normalised vectors."""

    @property
    def size(self) -> int: ...

    def search(self, vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Return (scores, ids), each of shape (len(vectors), k); missing ids are -1."""
        ...


class SessionStore(Protocol):
    """Conversations: the turns of each session (the tutor reads the last few)."""

    def history(self, session_id: str, limit: int = 5) -> list[Turn]:
        """The last `limit` turns of a session, oldest first (empty for a new session)."""
        ...

    def append_turn(self, session_id: str, turn: Turn) -> None: ...


class ProgressStore(Protocol):
    """A learner's practice: items shown, attempts and the review schedule they imply."""

    def save_item(self, item: QuizItem) -> None:
        """Keep an item that was shown, so it can be graded even after the course changes."""
        ...

    def item(self, quiz_id: str) -> QuizItem | None: ...

    def mark_served(self, session_id: str, quiz_id: str, at: float) -> None: ...

    def served(self, session_id: str) -> dict[str, float]:
        """Quiz ids shown in the session, with when each was last shown."""
        ...

    def record_attempt(
        self, session_id: str, quiz_id: str, answer: str, correct: bool, review: Review, at: float
    ) -> Attempt:
        """Store an attempt and the item's new schedule in one transaction."""
        ...

    def attempts(self, session_id: str) -> list[Attempt]:
        """Every attempt of the session, oldest first."""
        ...

    def attempts_since(self, since: float | None = None) -> list[tuple[str, Attempt]]:
        """Every learner's attempts made at or after `since` (all when None), oldest first,
        each with its session id. An attempt's number still counts all of the learner's
        attempts at the item, so `number == 1` is a first try even when `since` is later."""
        ...

    def reviews(self, session_id: str) -> dict[str, Review]: ...


class KeyStore(Protocol):
    """API keys: only their hashes, their roles, the courses they are for and whether they
    were revoked. Keys kept before courses existed read as keys of the default course."""

    def add_key(
        self,
        name: str,
        role: str,
        key_hash: str,
        at: float,
        courses: tuple[str, ...] = (DEFAULT_COURSE,),
    ) -> None:
        """Store a new key's hash; a name already in use raises InvalidInput."""
        ...

    def revoke_key(self, name: str) -> bool: ...

    def keys(self) -> list[ApiKey]: ...

    def role_of(self, key_hash: str) -> str | None:
        """The role of an active key, None for an unknown or revoked one."""
        ...

    def grant_of(self, key_hash: str) -> Grant | None:
        """The role and courses of an active key, None for an unknown or revoked one."""
        ...

    def forget_course(self, course_id: str) -> int:
        """Take a removed course off every key, so a course made later with the same id is
        not open to them; a key left with no course is revoked. How many keys changed."""
        ...


class AuditLog(Protocol):
    """Every answer given, for teachers to review and flag."""

    def record_answer(self, record: AuditRecord) -> int:
        """Append to the audit log; returns the record's id (the given one is ignored)."""
        ...

    def audit(self, query: AuditFilter) -> list[AuditRecord]:
        """Audit records matching the filter, newest first."""
        ...

    def flag(self, audit_id: int, note: str) -> bool: ...


class LinkStore(Protocol):
    """Small values an adapter remembers (which session a chat is in, which item a poll asks)."""

    def set_link(self, kind: str, key: str, value: str) -> None: ...

    def link(self, kind: str, key: str) -> str | None: ...


class CorrectionStore(Protocol):
    """Teachers' corrections pinned to spans of the source."""

    def add_correction(self, correction: Correction) -> None: ...

    def corrections(self) -> list[Correction]:
        """Every correction, oldest first."""
        ...

    def remove_correction(self, correction_id: str) -> bool:
        """Whether there was one to remove."""
        ...


class CourseCatalog(Protocol):
    """The deployment's courses other than the default one (kept in the deployment-wide
    store, so every replica sees the same list)."""

    def add_course(self, course: CourseInfo) -> None:
        """Record a new course; an id already in use raises InvalidInput."""
        ...

    def remove_course(self, course_id: str) -> bool:
        """Whether there was one to remove."""
        ...

    def courses(self) -> list[CourseInfo]:
        """Every course, oldest first."""
        ...

    def course_info(self, course_id: str) -> CourseInfo | None: ...


class ReminderStore(Protocol):
    """Learners' daily reminders, and which day's reminder has been claimed: the replicas
    sharing a store each look for due reminders, and the one whose claim succeeds sends."""

    def save_reminder(self, reminder: Reminder) -> None:
        """Add or replace the chat's reminder; its `last_sent` stays what the store has."""
        ...

    def reminder(self, chat_id: str) -> Reminder | None: ...

    def reminders(self) -> list[Reminder]:
        """Every enabled reminder."""
        ...

    def claim_reminder(self, chat_id: str, day: str) -> bool:
        """Claim the reminder of `day` (the learner's ISO date) for the chat: True for the
        one caller that claims it first, across every process sharing the store; it becomes
        the reminder's `last_sent`."""
        ...


class StateStore(
    SessionStore,
    ProgressStore,
    KeyStore,
    AuditLog,
    LinkStore,
    CorrectionStore,
    CourseCatalog,
    ReminderStore,
    Protocol,
):
    """Every owner's state in one backend (`tutor.stores.open_store(url)` opens one).

    Every write is durable when the call returns: an acknowledged attempt survives a crash.
    The deployment-wide store keeps keys, rate buckets and the course catalog besides the
    default course's learner state; each other course's learner state is a store of its own
    (`tutor.stores.course_store_url`), whose keys and catalog stay empty.
    """

    def close(self) -> None: ...


class RateBuckets(Protocol):
    """Token buckets for rate limits, one per caller key.

    Shared buckets (Redis) are seen by every process that opens the same store, so replicas
    enforce one limit between them; the others are per process.
    """

    @property
    def shared(self) -> bool: ...

    def take(self, key: str, rate: float, burst: int) -> RateDecision:
        """Take a token from `key`'s bucket (refilled at `rate` a second, holding `burst`)."""
        ...

    def close(self) -> None: ...


class DocumentLibrary(Protocol):
    """The course's documents where they are kept, and the index built from them.

    `add` and `remove` change the kept documents only; the served course changes when a
    `build` of them is handed to the tutor.
    """

    def add(self, filename: str, data: bytes) -> str:
        """Convert and keep an uploaded file (replacing one of the same id); its doc_id.

        Raises InvalidInput (TooLarge, Unsupported) naming why a file cannot be used; the
        kept documents are then unchanged.
        """
        ...

    def remove(self, doc_id: str) -> None:
        """Drop a kept document; NotFound when there is none of that id."""
        ...

    def build(self) -> Course:
        """Index the kept documents, publish the index and load it."""
        ...

    def load(self) -> Course:
        """The published index (another process may have built it)."""
        ...
