"""Conversations in Redis: a list of turns per session, trimmed to the last `keep_turns`."""

from __future__ import annotations

import json

from ...domain import Turn
from .connection import RedisConnection

KEEP_TURNS = 100  # the tutor reads the last 5 turns; older ones only cost memory


class RedisSessions(RedisConnection):
    """`SessionStore` under P:turns:{session}."""

    keep_turns = KEEP_TURNS

    def history(self, session_id: str, limit: int = 5) -> list[Turn]:
        if limit <= 0:
            return []
        rows = self._call("LRANGE", self._key("turns", session_id), str(-limit), "-1")
        return [_turn_from_json(row) for row in rows]

    def append_turn(self, session_id: str, turn: Turn) -> None:
        key = self._key("turns", session_id)
        self._run(
            ("RPUSH", key, _turn_to_json(turn)),
            ("LTRIM", key, str(-self.keep_turns), "-1"),
        )


def _turn_to_json(turn: Turn) -> str:
    return json.dumps(
        {
            "question": turn.question,
            "query": turn.query,
            "answer": turn.answer,
            "answerable": turn.answerable,
            "passage_ids": list(turn.passage_ids),
            "topic": turn.topic,
        }
    )


def _turn_from_json(raw: str) -> Turn:
    d = json.loads(raw)
    return Turn(
        d["question"],
        d["query"],
        d["answer"],
        bool(d["answerable"]),
        tuple(int(i) for i in d["passage_ids"]),
        d["topic"],
    )
