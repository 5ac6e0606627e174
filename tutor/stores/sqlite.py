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

from ..domain import Attempt, QuizItem, Review, Turn
from .codec import item_from_dict, item_to_dict, review_to_row

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
CREATE TABLE IF NOT EXISTS quiz_items (
    quiz_id TEXT PRIMARY KEY,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS served (
    session_id TEXT NOT NULL,
    quiz_id TEXT NOT NULL,
    served_at REAL NOT NULL,
    PRIMARY KEY (session_id, quiz_id)
);
CREATE TABLE IF NOT EXISTS attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL,
    quiz_id TEXT NOT NULL,
    answer TEXT NOT NULL,
    correct INTEGER NOT NULL,
    at REAL NOT NULL,
    number INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS attempts_by_session ON attempts (session_id, id);
CREATE TABLE IF NOT EXISTS links (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (kind, key)
);
CREATE TABLE IF NOT EXISTS reviews (
    session_id TEXT NOT NULL,
    quiz_id TEXT NOT NULL,
    repetitions INTEGER NOT NULL,
    interval_days REAL NOT NULL,
    easiness REAL NOT NULL,
    due_at REAL NOT NULL,
    PRIMARY KEY (session_id, quiz_id)
);
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

    def save_item(self, item: QuizItem) -> None:
        with self._connection() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO quiz_items (quiz_id, body) VALUES (?, ?)",
                (item.quiz_id, json.dumps(item_to_dict(item))),
            )

    def item(self, quiz_id: str) -> QuizItem | None:
        row = (
            self._connection()
            .execute("SELECT body FROM quiz_items WHERE quiz_id = ?", (quiz_id,))
            .fetchone()
        )
        return item_from_dict(json.loads(row[0])) if row else None

    def mark_served(self, session_id: str, quiz_id: str, at: float) -> None:
        with self._connection() as conn:
            conn.execute(
                "INSERT INTO served (session_id, quiz_id, served_at) VALUES (?, ?, ?) "
                "ON CONFLICT (session_id, quiz_id) DO UPDATE SET served_at = excluded.served_at",
                (session_id, quiz_id, at),
            )

    def served(self, session_id: str) -> dict[str, float]:
        rows = (
            self._connection()
            .execute("SELECT quiz_id, served_at FROM served WHERE session_id = ?", (session_id,))
            .fetchall()
        )
        return {q: float(at) for q, at in rows}

    def record_attempt(
        self, session_id: str, quiz_id: str, answer: str, correct: bool, review: Review, at: float
    ) -> Attempt:
        conn = self._connection()
        with conn:  # one transaction: the attempt and the schedule it implies
            conn.execute("BEGIN IMMEDIATE")
            (previous,) = conn.execute(
                "SELECT COUNT(*) FROM attempts WHERE session_id = ? AND quiz_id = ?",
                (session_id, quiz_id),
            ).fetchone()
            number = int(previous) + 1
            conn.execute(
                "INSERT INTO attempts (session_id, quiz_id, answer, correct, at, number) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (session_id, quiz_id, answer, int(correct), at, number),
            )
            conn.execute(
                "INSERT INTO reviews (session_id, quiz_id, repetitions, interval_days, easiness,"
                " due_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (session_id, quiz_id) DO UPDATE"
                " SET repetitions = excluded.repetitions, interval_days = excluded.interval_days,"
                " easiness = excluded.easiness, due_at = excluded.due_at",
                (session_id, quiz_id, *review_to_row(review)),
            )
        return Attempt(quiz_id, answer, correct, at, number)

    def attempts(self, session_id: str) -> list[Attempt]:
        rows = (
            self._connection()
            .execute(
                "SELECT quiz_id, answer, correct, at, number FROM attempts "
                "WHERE session_id = ? ORDER BY id",
                (session_id,),
            )
            .fetchall()
        )
        return [Attempt(q, a, bool(ok), float(at), int(n)) for q, a, ok, at, n in rows]

    def reviews(self, session_id: str) -> dict[str, Review]:
        rows = (
            self._connection()
            .execute(
                "SELECT quiz_id, repetitions, interval_days, easiness, due_at FROM reviews "
                "WHERE session_id = ?",
                (session_id,),
            )
            .fetchall()
        )
        return {q: Review(int(r), float(i), float(e), float(d)) for q, r, i, e, d in rows}

    def set_link(self, kind: str, key: str, value: str) -> None:
        with self._connection() as conn:
            conn.execute(
                "INSERT INTO links (kind, key, value) VALUES (?, ?, ?) "
                "ON CONFLICT (kind, key) DO UPDATE SET value = excluded.value",
                (kind, key, value),
            )

    def link(self, kind: str, key: str) -> str | None:
        row = (
            self._connection()
            .execute("SELECT value FROM links WHERE kind = ? AND key = ?", (kind, key))
            .fetchone()
        )
        return str(row[0]) if row else None

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                # closing from a thread that did not open it may refuse; the process is ending
                with contextlib.suppress(sqlite3.ProgrammingError):
                    conn.close()
            self._all.clear()
        self._local = threading.local()
