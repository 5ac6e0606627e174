"""Conversations in SQLite: one row per turn."""

from __future__ import annotations

import json
import time

from ...domain import Turn
from .connection import SQLiteConnection, unavailable_on_failure

SCHEMA = """
CREATE TABLE IF NOT EXISTS turns (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL,
    created_at REAL NOT NULL,
    question TEXT NOT NULL,
    query TEXT NOT NULL,
    answer TEXT NOT NULL,
    answerable INTEGER NOT NULL,
    passage_ids TEXT NOT NULL,
    topic TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS turns_by_session ON turns (session_id, id);
"""


class SQLiteSessions(SQLiteConnection):
    """`SessionStore` over the `turns` table."""

    @unavailable_on_failure
    def history(self, session_id: str, limit: int = 5) -> list[Turn]:
        rows = (
            self._connection()
            .execute(
                "SELECT question, query, answer, answerable, passage_ids, topic FROM turns "
                "WHERE session_id = ? ORDER BY id DESC LIMIT ?",
                (session_id, limit),
            )
            .fetchall()
        )
        return [
            Turn(q, query, a, bool(ok), tuple(json.loads(ids)), topic)
            for q, query, a, ok, ids, topic in reversed(rows)
        ]

    @unavailable_on_failure
    def append_turn(self, session_id: str, turn: Turn) -> None:
        with self._writing() as conn:
            conn.execute(
                "INSERT INTO turns (session_id, created_at, question, query, answer, answerable,"
                " passage_ids, topic) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    session_id,
                    time.time(),
                    turn.question,
                    turn.query,
                    turn.answer,
                    int(turn.answerable),
                    json.dumps(list(turn.passage_ids)),
                    turn.topic,
                ),
            )
