"""An in-memory state store for unit tests and throwaway runs: every owner's part in one class
(each is a few dictionaries)."""

from __future__ import annotations

import dataclasses
import threading

from ..domain import (
    DEFAULT_COURSE,
    ApiKey,
    Attempt,
    AuditFilter,
    AuditRecord,
    Correction,
    CourseInfo,
    Grant,
    QuizItem,
    Reminder,
    Review,
    Turn,
)
from ..errors import InvalidInput
from .codec import matches


class MemoryStateStore:
    """Keeps everything in dictionaries; lost when the process ends."""

    def __init__(self) -> None:
        self._turns: dict[str, list[Turn]] = {}
        self._items: dict[str, QuizItem] = {}
        self._served: dict[str, dict[str, float]] = {}
        self._attempts: dict[str, list[Attempt]] = {}
        self._every_attempt: list[tuple[str, Attempt]] = []  # all sessions', in order
        self._reviews: dict[str, dict[str, Review]] = {}
        self._links: dict[tuple[str, str], str] = {}
        self._keys: dict[str, tuple[ApiKey, str]] = {}
        self._audit: list[AuditRecord] = []
        self._corrections: dict[str, Correction] = {}
        self._courses: dict[str, CourseInfo] = {}
        self._reminders: dict[str, Reminder] = {}
        self._reminder_claims: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def history(self, session_id: str, limit: int = 5) -> list[Turn]:
        with self._lock:
            return list(self._turns.get(session_id, [])[-limit:]) if limit > 0 else []

    def append_turn(self, session_id: str, turn: Turn) -> None:
        with self._lock:
            self._turns.setdefault(session_id, []).append(turn)

    def save_item(self, item: QuizItem) -> None:
        with self._lock:
            self._items.setdefault(item.quiz_id, item)

    def item(self, quiz_id: str) -> QuizItem | None:
        with self._lock:
            return self._items.get(quiz_id)

    def mark_served(self, session_id: str, quiz_id: str, at: float) -> None:
        with self._lock:
            self._served.setdefault(session_id, {})[quiz_id] = at

    def served(self, session_id: str) -> dict[str, float]:
        with self._lock:
            return dict(self._served.get(session_id, {}))

    def record_attempt(
        self, session_id: str, quiz_id: str, answer: str, correct: bool, review: Review, at: float
    ) -> Attempt:
        with self._lock:
            attempts = self._attempts.setdefault(session_id, [])
            number = 1 + sum(1 for a in attempts if a.quiz_id == quiz_id)
            attempt = Attempt(quiz_id, answer, correct, at, number)
            attempts.append(attempt)
            self._every_attempt.append((session_id, attempt))
            self._reviews.setdefault(session_id, {})[quiz_id] = review
            return attempt

    def attempts(self, session_id: str) -> list[Attempt]:
        with self._lock:
            return list(self._attempts.get(session_id, []))

    def attempts_since(self, since: float | None = None) -> list[tuple[str, Attempt]]:
        with self._lock:
            found = [(s, a) for s, a in self._every_attempt if since is None or a.at >= since]
        return sorted(found, key=lambda pair: pair[1].at)

    def reviews(self, session_id: str) -> dict[str, Review]:
        with self._lock:
            return dict(self._reviews.get(session_id, {}))

    def set_link(self, kind: str, key: str, value: str) -> None:
        with self._lock:
            self._links[(kind, key)] = value

    def link(self, kind: str, key: str) -> str | None:
        with self._lock:
            return self._links.get((kind, key))

    def add_key(
        self,
        name: str,
        role: str,
        key_hash: str,
        at: float,
        courses: tuple[str, ...] = (DEFAULT_COURSE,),
    ) -> None:
        with self._lock:
            if name in self._keys:
                raise InvalidInput(f"a key named {name!r} exists already")
            self._keys[name] = (ApiKey(name, role, at, courses=tuple(courses)), key_hash)

    def revoke_key(self, name: str) -> bool:
        with self._lock:
            if name not in self._keys or self._keys[name][0].revoked:
                return False
            key, digest = self._keys[name]
            self._keys[name] = (dataclasses.replace(key, revoked=True), digest)
            return True

    def keys(self) -> list[ApiKey]:
        with self._lock:
            return [k for k, _ in self._keys.values()]

    def role_of(self, key_hash: str) -> str | None:
        grant = self.grant_of(key_hash)
        return grant.role if grant else None

    def grant_of(self, key_hash: str) -> Grant | None:
        with self._lock:
            for key, digest in self._keys.values():
                if digest == key_hash and not key.revoked:
                    return Grant(key.role, key.courses)
            return None

    def forget_course(self, course_id: str) -> int:
        with self._lock:
            changed = 0
            for name, (key, digest) in list(self._keys.items()):
                if key.revoked or course_id not in key.courses:
                    continue
                left = tuple(c for c in key.courses if c != course_id)
                key = dataclasses.replace(key, courses=left, revoked=not left)
                self._keys[name] = (key, digest)
                changed += 1
            return changed

    def record_answer(self, record: AuditRecord) -> int:
        with self._lock:
            audit_id = len(self._audit) + 1
            self._audit.append(dataclasses.replace(record, audit_id=audit_id))
            return audit_id

    def audit(self, query: AuditFilter) -> list[AuditRecord]:
        with self._lock:
            found = [r for r in reversed(self._audit) if matches(r, query)]
            return found[: query.limit]

    def flag(self, audit_id: int, note: str) -> bool:
        with self._lock:
            if not 1 <= audit_id <= len(self._audit):
                return False
            record = self._audit[audit_id - 1]
            self._audit[audit_id - 1] = dataclasses.replace(record, flagged=True, note=note)
            return True

    def add_correction(self, correction: Correction) -> None:
        with self._lock:
            self._corrections[correction.correction_id] = correction

    def corrections(self) -> list[Correction]:
        with self._lock:
            found = self._corrections.values()
            return sorted(found, key=lambda c: (c.created_at, c.correction_id))

    def remove_correction(self, correction_id: str) -> bool:
        with self._lock:
            return self._corrections.pop(correction_id, None) is not None

    def add_course(self, course: CourseInfo) -> None:
        with self._lock:
            if course.course_id in self._courses:
                raise InvalidInput(f"a course {course.course_id!r} exists already")
            self._courses[course.course_id] = course

    def remove_course(self, course_id: str) -> bool:
        with self._lock:
            return self._courses.pop(course_id, None) is not None

    def courses(self) -> list[CourseInfo]:
        with self._lock:
            return sorted(self._courses.values(), key=lambda c: (c.created_at, c.course_id))

    def course_info(self, course_id: str) -> CourseInfo | None:
        with self._lock:
            return self._courses.get(course_id)

    def save_reminder(self, reminder: Reminder) -> None:
        with self._lock:
            kept = self._reminders.get(reminder.chat_id)
            last = kept.last_sent if kept else ""
            self._reminders[reminder.chat_id] = dataclasses.replace(reminder, last_sent=last)

    def reminder(self, chat_id: str) -> Reminder | None:
        with self._lock:
            return self._reminders.get(chat_id)

    def reminders(self) -> list[Reminder]:
        with self._lock:
            return [r for r in self._reminders.values() if r.enabled]

    def claim_reminder(self, chat_id: str, day: str) -> bool:
        with self._lock:
            if (chat_id, day) in self._reminder_claims:
                return False
            self._reminder_claims.add((chat_id, day))
            kept = self._reminders.get(chat_id)
            if kept is not None:
                self._reminders[chat_id] = dataclasses.replace(kept, last_sent=day)
            return True

    def close(self) -> None:
        pass
