"""API keys in SQLite: hashes and roles, never the keys."""

from __future__ import annotations

import sqlite3

from ...domain import ApiKey
from ...errors import InvalidInput
from .connection import SQLiteConnection, unavailable_on_failure

SCHEMA = """
CREATE TABLE IF NOT EXISTS api_keys (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    created_at REAL NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0
);
"""


class SQLiteKeys(SQLiteConnection):
    """`KeyStore` over the `api_keys` table."""

    @unavailable_on_failure
    def add_key(self, name: str, role: str, key_hash: str, at: float) -> None:
        try:
            with self._writing() as conn:
                conn.execute(
                    "INSERT INTO api_keys (name, role, key_hash, created_at) VALUES (?, ?, ?, ?)",
                    (name, role, key_hash, at),
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
            .execute("SELECT name, role, created_at, revoked FROM api_keys ORDER BY created_at")
            .fetchall()
        )
        return [ApiKey(n, r, float(at), bool(rev)) for n, r, at, rev in rows]

    @unavailable_on_failure
    def role_of(self, key_hash: str) -> str | None:
        row = (
            self._connection()
            .execute("SELECT role FROM api_keys WHERE key_hash = ? AND revoked = 0", (key_hash,))
            .fetchone()
        )
        return str(row[0]) if row else None
