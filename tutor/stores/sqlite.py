"""The default state store: one SQLite file in the data folder, in WAL mode.

Each thread gets its own connection (sqlite3 connections are not shared across threads);
every write is one transaction, committed before the call returns, so an acknowledged
write survives a crash of the process.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import time
from pathlib import Path

from ..domain import Turn

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


class SQLiteStateStore:
    """Sessions and their turns in a SQLite database file."""

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        with self._connection() as conn:
            conn.executescript(SCHEMA)

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA busy_timeout=30000")
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

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

    def append_turn(self, session_id: str, turn: Turn) -> None:
        with self._connection() as conn:
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

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                # closing from a thread that did not open it may refuse; the process is ending
                with contextlib.suppress(sqlite3.ProgrammingError):
                    conn.close()
            self._all.clear()
        self._local = threading.local()
