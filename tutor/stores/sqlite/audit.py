"""The audit log in SQLite: one row per answer, filtered in SQL."""

from __future__ import annotations

import json

from ...domain import AuditFilter, AuditRecord
from ..codec import citations_from_json, citations_to_json
from .connection import SQLiteConnection, unavailable_on_failure

SCHEMA = """
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
"""


class SQLiteAudit(SQLiteConnection):
    """`AuditLog` over the `audit` table."""

    @unavailable_on_failure
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

    @unavailable_on_failure
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

    @unavailable_on_failure
    def flag(self, audit_id: int, note: str) -> bool:
        with self._writing() as conn:
            cursor = conn.execute(
                "UPDATE audit SET flagged = 1, note = ? WHERE id = ?", (note, audit_id)
            )
            return cursor.rowcount > 0
