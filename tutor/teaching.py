"""What teachers and LMS administrators work with: API keys, the audit log, unanswered topics.

Keys are random tokens shown once; only their SHA-256 is stored. A student or teacher key is
for the courses it names (the default course when it names none); an admin key spans every
course. Questions the tutor did not answer are grouped by meaning (greedy clustering of their
embeddings), so a teacher sees "what students asked that the course doesn't cover" as a
handful of topics, not a list.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .domain import DEFAULT_COURSE, ApiKey, AuditRecord, Citation, Grant
from .errors import InvalidInput, NotFound
from .limits import check_course_id
from .ports import Embedder, KeyStore

ROLES = ("student", "teacher", "admin")
KEY_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
SAME_TOPIC = 0.55  # cosine above which two unanswered questions are one topic


def new_key() -> str:
    return "tk_" + secrets.token_urlsafe(32)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def check_key_request(name: str, role: str) -> None:
    if not KEY_NAME.fullmatch(name):
        raise InvalidInput(
            "a key name is 1-64 letters, digits and . _ - starting with a letter or digit"
        )
    if role not in ROLES:
        raise InvalidInput(f"role must be one of {', '.join(ROLES)}; got {role!r}")


def key_courses(role: str, courses: Sequence[str] | None) -> tuple[str, ...]:
    """The courses a new key of `role` is for: those named (checked, without repeats), the
    default course when none is named, and none (every course) for an admin key."""
    if role == "admin":
        if courses:
            raise InvalidInput("an admin key spans every course; name no course for it")
        return ()
    if courses is None:
        return (DEFAULT_COURSE,)
    if isinstance(courses, str) or not courses:
        raise InvalidInput(f"a {role} key is for at least one course; got {courses!r}")
    return tuple(dict.fromkeys(check_course_id(c) for c in courses))


class KeyRing:
    """API keys over a key store: create (shown once), list, revoke, look up a grant."""

    def __init__(self, store: KeyStore, clock: Callable[[], float] = time.time):
        self.store = store
        self.clock = clock

    def create(self, name: str, role: str, courses: Sequence[str] | None = None) -> str:
        """A new key for `courses` (see `key_courses`); whether they exist is the caller's
        to check (`tutor.Campus.create_key` does)."""
        check_key_request(name, role)
        scoped = key_courses(role, courses)
        key = new_key()
        self.store.add_key(name, role, key_hash(key), self.clock(), scoped)
        return key

    def revoke(self, name: str) -> None:
        if not self.store.revoke_key(name):
            raise NotFound(f"no active key named {name!r}")

    def list(self) -> list[ApiKey]:
        return self.store.keys()

    def grant_of(self, key: str) -> Grant | None:
        """The role and courses of an active key; None when it is unknown or revoked."""
        return self.store.grant_of(key_hash(key)) if key else None


def citation_holds(document_text: str | None, c: Citation) -> bool:
    """True while the document still has the quote at the cited offsets."""
    return document_text is not None and document_text[c.start : c.end] == c.quote


@dataclass(frozen=True)
class UncoveredTopic:
    question: str  # the most typical question of the group
    count: int
    questions: tuple[str, ...]
    last_at: float


def group_uncovered(records: list[AuditRecord], embedder: Embedder) -> list[UncoveredTopic]:
    """Unanswered questions grouped by meaning, the most asked first."""
    records = [r for r in records if not r.answerable]
    if not records:
        return []
    return group_by_meaning(records, embedder.embed([r.question for r in records]))


def group_by_meaning(records: list[AuditRecord], vectors: np.ndarray) -> list[UncoveredTopic]:
    """Questions grouped by meaning, the most asked first; `vectors[i]` embeds the question
    of `records[i]` (a caller that embedded them already need not do it twice)."""
    if not records:
        return []
    groups: list[list[int]] = []
    centroids: list[np.ndarray] = []
    for i, v in enumerate(vectors):
        scores = [float(c @ v) / (float(np.linalg.norm(c)) or 1.0) for c in centroids]
        best = int(np.argmax(scores)) if scores else -1
        if best >= 0 and scores[best] >= SAME_TOPIC:
            groups[best].append(i)
            centroids[best] = centroids[best] + v
        else:
            groups.append([i])
            centroids.append(v.copy())
    topics = []
    for members, centroid in zip(groups, centroids, strict=True):
        typical = max(members, key=lambda i: float(vectors[i] @ centroid))
        topics.append(
            UncoveredTopic(
                question=records[typical].question,
                count=len(members),
                questions=tuple(dict.fromkeys(records[i].question for i in members)),
                last_at=max(records[i].at for i in members),
            )
        )
    topics.sort(key=lambda t: (-t.count, -t.last_at))
    return topics
