"""Teachers' corrections in SQLite."""

from __future__ import annotations

from ...domain import Correction
from .connection import SQLiteConnection, unavailable_on_failure

SCHEMA = """
CREATE TABLE IF NOT EXISTS corrections (
    id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    note TEXT NOT NULL,
    quote TEXT NOT NULL,
    created_at REAL NOT NULL
);
"""


class SQLiteCorrections(SQLiteConnection):
    """`CorrectionStore` over the `corrections` table."""

    @unavailable_on_failure
    def add_correction(self, correction: Correction) -> None:
        c = correction
        with self._writing() as conn:
            conn.execute(
                'INSERT OR REPLACE INTO corrections (id, doc_id, start, "end", note, quote, '
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (c.correction_id, c.doc_id, c.start, c.end, c.note, c.quote, c.created_at),
            )

    @unavailable_on_failure
    def corrections(self) -> list[Correction]:
        rows = (
            self._connection()
            .execute(
                'SELECT id, doc_id, start, "end", note, quote, created_at FROM corrections '
                "ORDER BY created_at, id"
            )
            .fetchall()
        )
        return [
            Correction(
                str(r[0]), str(r[1]), int(r[2]), int(r[3]), str(r[4]), str(r[5]), float(r[6])
            )
            for r in rows
        ]

    @unavailable_on_failure
    def remove_correction(self, correction_id: str) -> bool:
        with self._writing() as conn:
            cursor = conn.execute("DELETE FROM corrections WHERE id = ?", (correction_id,))
            return cursor.rowcount > 0
