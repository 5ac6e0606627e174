"""An in-memory state store for unit tests and throwaway runs."""

from __future__ import annotations

import threading

from ..domain import Attempt, QuizItem, Review, Turn


class MemoryStateStore:
    """Keeps everything in dictionaries; lost when the process ends."""

    def __init__(self) -> None:
        self._turns: dict[str, list[Turn]] = {}
        self._items: dict[str, QuizItem] = {}
        self._served: dict[str, dict[str, float]] = {}
        self._attempts: dict[str, list[Attempt]] = {}
        self._reviews: dict[str, dict[str, Review]] = {}
        self._links: dict[tuple[str, str], str] = {}
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
            self._reviews.setdefault(session_id, {})[quiz_id] = review
            return attempt

    def attempts(self, session_id: str) -> list[Attempt]:
        with self._lock:
            return list(self._attempts.get(session_id, []))

    def reviews(self, session_id: str) -> dict[str, Review]:
        with self._lock:
            return dict(self._reviews.get(session_id, {}))

    def set_link(self, kind: str, key: str, value: str) -> None:
        with self._lock:
            self._links[(kind, key)] = value

    def link(self, kind: str, key: str) -> str | None:
        with self._lock:
            return self._links.get((kind, key))

    def close(self) -> None:
        pass
