"""Learner progress in SQLite: items shown, attempts and review schedules."""

from __future__ import annotations

import json
import sqlite3

from ...domain import Attempt, QuizItem, Review
from ...quiz.scheduling import from_sm2
from ..codec import REVIEW_FIELDS, item_from_dict, item_to_dict, review_from_row, review_to_row
from .connection import SQLiteConnection, unavailable_on_failure

SCHEMA = """
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
CREATE INDEX IF NOT EXISTS attempts_by_time ON attempts (at);
CREATE TABLE IF NOT EXISTS reviews (
    session_id TEXT NOT NULL,
    quiz_id TEXT NOT NULL,
    repetitions INTEGER NOT NULL,
    interval_days REAL NOT NULL,
    easiness REAL NOT NULL,
    due_at REAL NOT NULL,
    PRIMARY KEY (session_id, quiz_id)
);
CREATE TABLE IF NOT EXISTS review_cards (
    session_id TEXT NOT NULL,
    quiz_id TEXT NOT NULL,
    due_at REAL NOT NULL,
    state TEXT NOT NULL,
    step INTEGER,
    stability REAL,
    difficulty REAL,
    last_review REAL,
    pace REAL,
    PRIMARY KEY (session_id, quiz_id)
);
"""
# `reviews` holds SM-2 schedules written before FSRS: read as the FSRS cards they become
# (`from_sm2`), and an item's row is dropped when its next attempt writes its card to
# `review_cards`. New databases keep it empty.
_CARD_COLUMNS = ", ".join(REVIEW_FIELDS)


class SQLiteProgress(SQLiteConnection):
    """`ProgressStore` over the `quiz_items`, `served`, `attempts` and `review_cards` (and
    the SM-2 `reviews`) tables."""

    @unavailable_on_failure
    def save_item(self, item: QuizItem) -> None:
        with self._writing() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO quiz_items (quiz_id, body) VALUES (?, ?)",
                (item.quiz_id, json.dumps(item_to_dict(item))),
            )

    @unavailable_on_failure
    def item(self, quiz_id: str) -> QuizItem | None:
        row = (
            self._connection()
            .execute("SELECT body FROM quiz_items WHERE quiz_id = ?", (quiz_id,))
            .fetchone()
        )
        return item_from_dict(json.loads(row[0])) if row else None

    @unavailable_on_failure
    def mark_served(self, session_id: str, quiz_id: str, at: float) -> None:
        with self._writing() as conn:
            conn.execute(
                "INSERT INTO served (session_id, quiz_id, served_at) VALUES (?, ?, ?) "
                "ON CONFLICT (session_id, quiz_id) DO UPDATE SET served_at = excluded.served_at",
                (session_id, quiz_id, at),
            )

    @unavailable_on_failure
    def served(self, session_id: str) -> dict[str, float]:
        rows = (
            self._connection()
            .execute("SELECT quiz_id, served_at FROM served WHERE session_id = ?", (session_id,))
            .fetchall()
        )
        return {q: float(at) for q, at in rows}

    @unavailable_on_failure
    def record_attempt(
        self, session_id: str, quiz_id: str, answer: str, correct: bool, review: Review, at: float
    ) -> Attempt:
        with self._write_lock:
            conn = self._connection()
            # the learner's record: synced to the disk before the grade is sent back
            conn.execute("PRAGMA synchronous=FULL")
            try:
                return self._record_attempt(conn, session_id, quiz_id, answer, correct, review, at)
            finally:
                conn.execute("PRAGMA synchronous=NORMAL")

    def _record_attempt(
        self,
        conn: sqlite3.Connection,
        session_id: str,
        quiz_id: str,
        answer: str,
        correct: bool,
        review: Review,
        at: float,
    ) -> Attempt:
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
            updates = ", ".join(f"{f} = excluded.{f}" for f in REVIEW_FIELDS)
            conn.execute(
                f"INSERT INTO review_cards (session_id, quiz_id, {_CARD_COLUMNS}) VALUES"
                f" (?, ?, {', '.join('?' * len(REVIEW_FIELDS))})"
                f" ON CONFLICT (session_id, quiz_id) DO UPDATE SET {updates}",
                (session_id, quiz_id, *review_to_row(review)),
            )
            conn.execute(
                "DELETE FROM reviews WHERE session_id = ? AND quiz_id = ?", (session_id, quiz_id)
            )
        return Attempt(quiz_id, answer, correct, at, number)

    @unavailable_on_failure
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

    @unavailable_on_failure
    def attempts_since(self, since: float | None = None) -> list[tuple[str, Attempt]]:
        where, args = ("WHERE at >= ? ", (since,)) if since is not None else ("", ())
        rows = (
            self._connection()
            .execute(
                "SELECT session_id, quiz_id, answer, correct, at, number FROM attempts "
                f"{where}ORDER BY at, id",
                args,
            )
            .fetchall()
        )
        return [(s, Attempt(q, a, bool(ok), float(at), int(n))) for s, q, a, ok, at, n in rows]

    @unavailable_on_failure
    def reviews(self, session_id: str) -> dict[str, Review]:
        conn = self._connection()
        old = conn.execute(
            "SELECT quiz_id, repetitions, interval_days, easiness, due_at FROM reviews "
            "WHERE session_id = ?",
            (session_id,),
        ).fetchall()
        found = {q: from_sm2(int(r), float(i), float(e), float(d)) for q, r, i, e, d in old}
        cards = conn.execute(
            f"SELECT quiz_id, {_CARD_COLUMNS} FROM review_cards WHERE session_id = ?",
            (session_id,),
        ).fetchall()
        found.update((row[0], review_from_row(row[1:])) for row in cards)
        return found
