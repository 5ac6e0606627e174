"""Learner progress in Redis: items shown, attempts and review schedules."""

from __future__ import annotations

import json

from ...domain import Attempt, QuizItem, Review
from ..codec import item_from_dict, item_to_dict, review_to_row
from .connection import RedisConnection, num


class RedisProgress(RedisConnection):
    """`ProgressStore` under P:items, P:served:{s}, P:attempts:{s}, P:attempt-n:{s} and
    P:reviews:{s}."""

    def save_item(self, item: QuizItem) -> None:
        self._call("HSETNX", self._key("items"), item.quiz_id, json.dumps(item_to_dict(item)))

    def item(self, quiz_id: str) -> QuizItem | None:
        raw = self._call("HGET", self._key("items"), quiz_id)
        return item_from_dict(json.loads(raw)) if raw is not None else None

    def mark_served(self, session_id: str, quiz_id: str, at: float) -> None:
        self._call("HSET", self._key("served", session_id), quiz_id, num(at))

    def served(self, session_id: str) -> dict[str, float]:
        rows = self._call("HGETALL", self._key("served", session_id))
        return {quiz_id: float(at) for quiz_id, at in rows.items()}

    def record_attempt(
        self, session_id: str, quiz_id: str, answer: str, correct: bool, review: Review, at: float
    ) -> Attempt:
        row = json.dumps([quiz_id, answer, correct, at])
        _, number, _ = self._run(
            ("RPUSH", self._key("attempts", session_id), row),
            ("HINCRBY", self._key("attempt-n", session_id), quiz_id, "1"),
            ("HSET", self._key("reviews", session_id), quiz_id, json.dumps(review_to_row(review))),
        )
        return Attempt(quiz_id, answer, correct, at, int(number))

    def attempts(self, session_id: str) -> list[Attempt]:
        rows = self._call("LRANGE", self._key("attempts", session_id), "0", "-1")
        seen: dict[str, int] = {}
        found = []
        for row in rows:
            quiz_id, answer, correct, at = json.loads(row)
            seen[quiz_id] = seen.get(quiz_id, 0) + 1
            found.append(Attempt(quiz_id, answer, bool(correct), float(at), seen[quiz_id]))
        return found

    def reviews(self, session_id: str) -> dict[str, Review]:
        rows = self._call("HGETALL", self._key("reviews", session_id))
        found = {}
        for quiz_id, raw in rows.items():
            repetitions, interval, easiness, due = json.loads(raw)
            found[quiz_id] = Review(int(repetitions), float(interval), float(easiness), float(due))
        return found
