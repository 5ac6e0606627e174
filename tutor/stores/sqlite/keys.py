"""API keys in SQLite: hashes, roles and courses, never the keys."""

from __future__ import annotations

import json
import sqlite3

from ...domain import DEFAULT_COURSE, ApiKey, Grant
from ...errors import InvalidInput
from .connection import SQLiteConnection, unavailable_on_failure

# `courses` is a JSON list; an admin key's is empty (every course). A row without one (made
# before courses existed) is a key of the default course.
COURSES_COLUMN = f"courses TEXT NOT NULL DEFAULT '{json.dumps([DEFAULT_COURSE])}'"
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS api_keys (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    created_at REAL NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0,
    {COURSES_COLUMN}
);
"""


def migrate(conn: sqlite3.Connection) -> None:
    """Give a table made before courses existed its `courses` column: its keys become keys
    of the default course (the column's default). Run when the store first opens its file."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(api_keys)")}
    if "courses" in columns:
        return
    try:
        with conn:
            conn.execute(f"ALTER TABLE api_keys ADD COLUMN {COURSES_COLUMN}")
    except sqlite3.OperationalError as exc:
        if "duplicate column" not in str(exc):  # another process migrated it meanwhile
            raise


def _courses(raw: str) -> tuple[str, ...]:
    return tuple(str(c) for c in json.loads(raw))


class SQLiteKeys(SQLiteConnection):
    """`KeyStore` over the `api_keys` table."""

    @unavailable_on_failure
    def add_key(
        self,
        name: str,
        role: str,
        key_hash: str,
        at: float,
        courses: tuple[str, ...] = (DEFAULT_COURSE,),
    ) -> None:
        try:
            with self._writing() as conn:
                conn.execute(
                    "INSERT INTO api_keys (name, role, key_hash, created_at, courses) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (name, role, key_hash, at, json.dumps(list(courses))),
                )
        except sqlite3.IntegrityError:
            raise InvalidInput(f"a key named {name!r} exists already") from None

    @unavailable_on_failure
    def revoke_key(self, name: str) -> bool:
        with self._writing() as conn:
            cursor = conn.execute(
                "UPDATE api_keys SET revoked = 1 WHERE name = ? AND revoked = 0", (name,)
            )
            return cursor.rowcount > 0

    @unavailable_on_failure
    def keys(self) -> list[ApiKey]:
        rows = (
            self._connection()
            .execute(
                "SELECT name, role, created_at, revoked, courses FROM api_keys ORDER BY created_at"
            )
            .fetchall()
        )
        return [ApiKey(n, r, float(at), bool(rev), _courses(c)) for n, r, at, rev, c in rows]

    def role_of(self, key_hash: str) -> str | None:
        grant = self.grant_of(key_hash)
        return grant.role if grant else None

    @unavailable_on_failure
    def grant_of(self, key_hash: str) -> Grant | None:
        row = (
            self._connection()
            .execute(
                "SELECT role, courses FROM api_keys WHERE key_hash = ? AND revoked = 0",
                (key_hash,),
            )
            .fetchone()
        )
        return Grant(str(row[0]), _courses(row[1])) if row else None

    @unavailable_on_failure
    def forget_course(self, course_id: str) -> int:
        with self._writing() as conn:
            rows = conn.execute(
                "SELECT name, courses FROM api_keys WHERE revoked = 0 AND courses LIKE ?",
                (f"%{json.dumps(course_id)}%",),  # a narrowing only: the list is read below
            ).fetchall()
            changed = 0
            for name, raw in rows:
                courses = _courses(raw)
                if course_id not in courses:
                    continue
                left = [c for c in courses if c != course_id]
                conn.execute(
                    "UPDATE api_keys SET courses = ?, revoked = ? WHERE name = ?",
                    (json.dumps(left), 0 if left else 1, name),
                )
                changed += 1
            return changed
