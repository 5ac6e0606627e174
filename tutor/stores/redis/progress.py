"""Learner progress in Redis: items shown, attempts and review schedules."""

from __future__ import annotations

import json
import re

from ...domain import Attempt, QuizItem, Review
from ..codec import item_from_dict, item_to_dict, review_from_json, review_to_json
from .connection import RedisConnection, num

SESSIONS_BATCH = 200  # sessions' attempt lists read per round trip for a class's attempts
_GLOB = re.compile(r"([*?\[\]\\])")  # a key prefix's characters SCAN MATCH reads as a pattern


class RedisProgress(RedisConnection):
    """`ProgressStore` under P:items, P:served:{s}, P:attempts:{s}, P:attempt-n:{s},
    P:reviews:{s} and P:attempt-sessions (session -> time of its latest attempt)."""

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
        _, number, *_ = self._run(
            ("RPUSH", self._key("attempts", session_id), row),
            ("HINCRBY", self._key("attempt-n", session_id), quiz_id, "1"),
            ("HSET", self._key("reviews", session_id), quiz_id, review_to_json(review)),
            ("ZADD", self._key("attempt-sessions"), "GT", num(at), session_id),
        )
        return Attempt(quiz_id, answer, correct, at, int(number))

    def attempts(self, session_id: str) -> list[Attempt]:
        return _numbered(self._call("LRANGE", self._key("attempts", session_id), "0", "-1"))

    def attempts_since(self, since: float | None = None) -> list[tuple[str, Attempt]]:
        self._index_attempt_sessions()
        low = num(since) if since is not None else "-inf"
        sessions = self._call("ZRANGEBYSCORE", self._key("attempt-sessions"), low, "+inf")
        found: list[tuple[str, Attempt]] = []
        for start in range(0, len(sessions), SESSIONS_BATCH):
            batch = sessions[start : start + SESSIONS_BATCH]
            lists = self._run(*(("LRANGE", self._key("attempts", s), "0", "-1") for s in batch))
            for session_id, rows in zip(batch, lists, strict=True):
                found.extend(
                    (session_id, a) for a in _numbered(rows) if since is None or a.at >= since
                )
        return sorted(found, key=lambda pair: pair[1].at)

    def _index_attempt_sessions(self) -> None:
        """Sessions whose attempts were stored before P:attempt-sessions existed go into it,
        once per Redis (found by their P:attempts:{s} lists)."""
        done = self._key("attempt-sessions-indexed")
        if self._call("EXISTS", done):
            return
        lists = self._key("attempts", "")
        pattern = _GLOB.sub(r"\\\1", lists) + "*"
        cursor = 0
        while True:
            cursor, keys = self._call("SCAN", str(cursor), "MATCH", pattern, "COUNT", "1000")
            for key in keys:
                last = self._call("LINDEX", key, "-1")
                if last is not None:
                    at = json.loads(last)[3]
                    session_id = key[len(lists) :]
                    self._call("ZADD", self._key("attempt-sessions"), "GT", num(at), session_id)
            if int(cursor) == 0:
                break
        self._call("SET", done, "1")

    def reviews(self, session_id: str) -> dict[str, Review]:
        """Each item's FSRS card; one stored by SM-2 (a JSON list) reads as the card it
        becomes, and is replaced by the item's next attempt."""
        rows = self._call("HGETALL", self._key("reviews", session_id))
        return {quiz_id: review_from_json(raw) for quiz_id, raw in rows.items()}


def _numbered(rows: list[str]) -> list[Attempt]:
    """A session's stored attempts, each numbered among the session's attempts at its item."""
    seen: dict[str, int] = {}
    found = []
    for row in rows:
        quiz_id, answer, correct, at = json.loads(row)
        seen[quiz_id] = seen.get(quiz_id, 0) + 1
        found.append(Attempt(quiz_id, answer, bool(correct), float(at), seen[quiz_id]))
    return found
