"""The default state store: one SQLite file in the data folder, in WAL mode.

Each thread gets its own connection (sqlite3 connections are not shared across threads);
every write is one transaction, committed before the call returns, so an acknowledged
write survives a crash of the process. A quiz attempt is also synced to the disk before the
call returns (it survives a power cut too); other writes may lose their last moments then.

A file that cannot be opened, read or written (a missing mount, a read-only or full disk, a
file deleted while in use) raises `Unavailable`, never a raw sqlite3 error, so the tutor can
keep answering without remembering. The store opens lazily: it can be built while the
database is unreachable and starts working once it is reachable.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from ..domain import ApiKey, Attempt, AuditFilter, AuditRecord, QuizItem, Review, Turn
from ..errors import InvalidInput, Unavailable
from .codec import (
    citations_from_json,
    citations_to_json,
    item_from_dict,
    item_to_dict,
    review_to_row,
)

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
CREATE TABLE IF NOT EXISTS api_keys (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    created_at REAL NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    channel TEXT NOT NULL,
    session_id TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    answerable INTEGER NOT NULL,
    confidence REAL NOT NULL,
    citations TEXT NOT NULL,
    index_version TEXT NOT NULL,
    flagged INTEGER NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS audit_by_time ON audit (at);
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


P = ParamSpec("P")
R = TypeVar("R")


def _unavailable_on_failure(
    method: Callable[Concatenate[SQLiteStateStore, P], R],
) -> Callable[Concatenate[SQLiteStateStore, P], R]:
    """Turn an unreachable or broken database file into `Unavailable`, naming the file."""

    @functools.wraps(method)
    def guarded(self: SQLiteStateStore, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(self, *args, **kwargs)
        except (sqlite3.IntegrityError, sqlite3.ProgrammingError):
            raise  # the caller's mistake or ours, not the file's
        except (sqlite3.DatabaseError, OSError) as exc:
            raise Unavailable(f"the state database {self.path} is unavailable: {exc}") from exc

    return guarded


class SQLiteStateStore:
    """Sessions and their turns in a SQLite database file."""

    def __init__(self, path: Path):
        self.path = path
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        # One writer at a time in this process. Without it, threads that find the file locked
        # by another thread's transaction sleep in SQLite's busy handler (1, 2, 5 ... 100 ms,
        # whoever retries first wins), which under 32 concurrent answers gave a p95 several
        # times the median; a lock wakes the next writer as soon as the last one commits.
        # Other processes (replicas) still wait through busy_timeout.
        self._write_lock = threading.Lock()
        self._identity: tuple[int, int] | None = None  # (device, inode) of the file opened
        # a service must start, and answer, while its state is unreachable: try now, and
        # again on every call until the file can be opened
        with contextlib.suppress(Unavailable):
            self._open()

    @_unavailable_on_failure
    def _open(self) -> None:
        """Open the database, creating it and its tables on first use."""
        self._connection()

    def _connection(self) -> sqlite3.Connection:
        if self._identity is not None:
            # a connection to a deleted or replaced file goes on writing where nobody reads
            st = os.stat(self.path)  # FileNotFoundError when it was removed
            if (st.st_dev, st.st_ino) != self._identity:
                raise OSError(f"{self.path} was replaced while in use; restart to reopen it")
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.execute("PRAGMA busy_timeout=30000")
                if self._identity is None:
                    with conn:
                        conn.executescript(SCHEMA)
            except BaseException:
                conn.close()
                raise
            if self._identity is None:
                st = os.stat(self.path)
                self._identity = (st.st_dev, st.st_ino)
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    @contextlib.contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection in one write transaction, holding the process's write
        lock."""
        with self._write_lock, self._connection() as conn:
            yield conn

    @_unavailable_on_failure
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

    @_unavailable_on_failure
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

    @_unavailable_on_failure
    def save_item(self, item: QuizItem) -> None:
        with self._writing() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO quiz_items (quiz_id, body) VALUES (?, ?)",
                (item.quiz_id, json.dumps(item_to_dict(item))),
            )

    @_unavailable_on_failure
    def item(self, quiz_id: str) -> QuizItem | None:
        row = (
            self._connection()
            .execute("SELECT body FROM quiz_items WHERE quiz_id = ?", (quiz_id,))
            .fetchone()
        )
        return item_from_dict(json.loads(row[0])) if row else None

    @_unavailable_on_failure
    def mark_served(self, session_id: str, quiz_id: str, at: float) -> None:
        with self._writing() as conn:
            conn.execute(
                "INSERT INTO served (session_id, quiz_id, served_at) VALUES (?, ?, ?) "
                "ON CONFLICT (session_id, quiz_id) DO UPDATE SET served_at = excluded.served_at",
                (session_id, quiz_id, at),
            )

    @_unavailable_on_failure
    def served(self, session_id: str) -> dict[str, float]:
        rows = (
            self._connection()
            .execute("SELECT quiz_id, served_at FROM served WHERE session_id = ?", (session_id,))
            .fetchall()
        )
        return {q: float(at) for q, at in rows}

    @_unavailable_on_failure
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
            conn.execute(
                "INSERT INTO reviews (session_id, quiz_id, repetitions, interval_days, easiness,"
                " due_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (session_id, quiz_id) DO UPDATE"
                " SET repetitions = excluded.repetitions, interval_days = excluded.interval_days,"
                " easiness = excluded.easiness, due_at = excluded.due_at",
                (session_id, quiz_id, *review_to_row(review)),
            )
        return Attempt(quiz_id, answer, correct, at, number)

    @_unavailable_on_failure
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

    @_unavailable_on_failure
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

    @_unavailable_on_failure
    def set_link(self, kind: str, key: str, value: str) -> None:
        with self._writing() as conn:
            conn.execute(
                "INSERT INTO links (kind, key, value) VALUES (?, ?, ?) "
                "ON CONFLICT (kind, key) DO UPDATE SET value = excluded.value",
                (kind, key, value),
            )

    @_unavailable_on_failure
    def link(self, kind: str, key: str) -> str | None:
        row = (
            self._connection()
            .execute("SELECT value FROM links WHERE kind = ? AND key = ?", (kind, key))
            .fetchone()
        )
        return str(row[0]) if row else None

    @_unavailable_on_failure
    def add_key(self, name: str, role: str, key_hash: str, at: float) -> None:
        try:
            with self._writing() as conn:
                conn.execute(
                    "INSERT INTO api_keys (name, role, key_hash, created_at) VALUES (?, ?, ?, ?)",
                    (name, role, key_hash, at),
                )
        except sqlite3.IntegrityError:
            raise InvalidInput(f"a key named {name!r} exists already") from None

    @_unavailable_on_failure
    def revoke_key(self, name: str) -> bool:
        with self._writing() as conn:
            cursor = conn.execute(
                "UPDATE api_keys SET revoked = 1 WHERE name = ? AND revoked = 0", (name,)
            )
            return cursor.rowcount > 0

    @_unavailable_on_failure
    def keys(self) -> list[ApiKey]:
        rows = (
            self._connection()
            .execute("SELECT name, role, created_at, revoked FROM api_keys ORDER BY created_at")
            .fetchall()
        )
        return [ApiKey(n, r, float(at), bool(rev)) for n, r, at, rev in rows]

    @_unavailable_on_failure
    def role_of(self, key_hash: str) -> str | None:
        row = (
            self._connection()
            .execute("SELECT role FROM api_keys WHERE key_hash = ? AND revoked = 0", (key_hash,))
            .fetchone()
        )
        return str(row[0]) if row else None

    @_unavailable_on_failure
    def record_answer(self, record: AuditRecord) -> int:
        with self._writing() as conn:
            cursor = conn.execute(
                "INSERT INTO audit (at, channel, session_id, question, answer, answerable,"
                " confidence, citations, index_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record.at,
                    record.channel,
                    record.session_id,
                    record.question,
                    record.answer,
                    int(record.answerable),
                    record.confidence,
                    json.dumps(citations_to_json(record.citations)),
                    record.index_version,
                ),
            )
            return int(cursor.lastrowid or 0)

    @_unavailable_on_failure
    def audit(self, query: AuditFilter) -> list[AuditRecord]:
        where: list[str] = []
        args: list[object] = []
        for clause, value in (
            ("at >= ?", query.since),
            ("session_id = ?", query.session_id),
            ("channel = ?", query.channel),
            ("answerable = ?", None if query.answerable is None else int(query.answerable)),
            ("flagged = ?", None if query.flagged is None else int(query.flagged)),
            ("confidence <= ?", query.max_confidence),
        ):
            if value is not None:
                where.append(clause)
                args.append(value)
        sql = (
            "SELECT id, at, channel, session_id, question, answer, answerable, confidence,"
            " citations, index_version, flagged, note FROM audit"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY id DESC LIMIT ?"
        )
        rows = self._connection().execute(sql, (*args, query.limit)).fetchall()
        return [
            AuditRecord(
                int(i),
                float(at),
                ch,
                sid,
                q,
                a,
                bool(ok),
                float(conf),
                citations_from_json(json.loads(cits)),
                ver,
                bool(fl),
                note,
            )
            for i, at, ch, sid, q, a, ok, conf, cits, ver, fl, note in rows
        ]

    @_unavailable_on_failure
    def flag(self, audit_id: int, note: str) -> bool:
        with self._writing() as conn:
            cursor = conn.execute(
                "UPDATE audit SET flagged = 1, note = ? WHERE id = ?", (note, audit_id)
            )
            return cursor.rowcount > 0

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                # closing from a thread that did not open it may refuse; the process is ending
                with contextlib.suppress(sqlite3.ProgrammingError):
                    conn.close()
            self._all.clear()
        self._local = threading.local()
