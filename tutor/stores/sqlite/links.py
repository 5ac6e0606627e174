"""Adapters' small values in SQLite."""

from __future__ import annotations

from .connection import SQLiteConnection, unavailable_on_failure

SCHEMA = """
CREATE TABLE IF NOT EXISTS links (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (kind, key)
);
"""


class SQLiteLinks(SQLiteConnection):
    """`LinkStore` over the `links` table."""

    @unavailable_on_failure
    def set_link(self, kind: str, key: str, value: str) -> None:
        with self._writing() as conn:
            conn.execute(
                "INSERT INTO links (kind, key, value) VALUES (?, ?, ?) "
                "ON CONFLICT (kind, key) DO UPDATE SET value = excluded.value",
                (kind, key, value),
            )

    @unavailable_on_failure
    def link(self, kind: str, key: str) -> str | None:
        row = (
            self._connection()
            .execute("SELECT value FROM links WHERE kind = ? AND key = ?", (kind, key))
            .fetchone()
        )
        return str(row[0]) if row else None
