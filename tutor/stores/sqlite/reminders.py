"""Learners' reminders in SQLite, and the claims that let one replica send each.

A claim is a row of `reminder_claims` whose key is (chat, day): `INSERT OR IGNORE` adds it
for exactly one of the processes sharing the file, however they interleave, and the same
transaction sets the reminder's `last_sent`. Claims older than a week are dropped as new
ones are made (a day is only ever claimed within hours of it).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from ...domain import Reminder
from .connection import SQLiteConnection, unavailable_on_failure

SCHEMA = """
CREATE TABLE IF NOT EXISTS reminders (
    chat_id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL,
    time_of_day TEXT NOT NULL,
    zone TEXT NOT NULL,
    quiet_hours TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    last_sent TEXT NOT NULL DEFAULT '',
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS reminder_claims (
    chat_id TEXT NOT NULL,
    day TEXT NOT NULL,
    PRIMARY KEY (chat_id, day)
);
"""
KEEP_CLAIMS = timedelta(days=7)
_COLUMNS = "chat_id, session_id, time_of_day, zone, quiet_hours, enabled, last_sent, created_at"


def _reminder(row: Sequence[Any]) -> Reminder:
    chat, session, at, zone, quiet, enabled, last, created = row
    return Reminder(
        str(chat),
        str(session),
        str(at),
        str(zone),
        str(quiet),
        bool(enabled),
        str(last),
        float(created),
    )


class SQLiteReminders(SQLiteConnection):
    """`ReminderStore` over the `reminders` and `reminder_claims` tables."""

    @unavailable_on_failure
    def save_reminder(self, reminder: Reminder) -> None:
        r = reminder
        with self._writing() as conn:
            conn.execute(
                "INSERT INTO reminders (chat_id, session_id, time_of_day, zone, quiet_hours, "
                "enabled, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (chat_id) DO UPDATE SET session_id = excluded.session_id, "
                "time_of_day = excluded.time_of_day, zone = excluded.zone, "
                "quiet_hours = excluded.quiet_hours, enabled = excluded.enabled, "
                "created_at = excluded.created_at",
                (
                    r.chat_id,
                    r.session_id,
                    r.time_of_day,
                    r.zone,
                    r.quiet_hours,
                    r.enabled,
                    r.created_at,
                ),
            )

    @unavailable_on_failure
    def reminder(self, chat_id: str) -> Reminder | None:
        row = (
            self._connection()
            .execute(f"SELECT {_COLUMNS} FROM reminders WHERE chat_id = ?", (chat_id,))
            .fetchone()
        )
        return _reminder(row) if row else None

    @unavailable_on_failure
    def reminders(self) -> list[Reminder]:
        rows = (
            self._connection()
            .execute(f"SELECT {_COLUMNS} FROM reminders WHERE enabled ORDER BY chat_id")
            .fetchall()
        )
        return [_reminder(r) for r in rows]

    @unavailable_on_failure
    def claim_reminder(self, chat_id: str, day: str) -> bool:
        old = (date.fromisoformat(day) - KEEP_CLAIMS).isoformat()
        with self._writing() as conn:
            won = conn.execute(
                "INSERT OR IGNORE INTO reminder_claims (chat_id, day) VALUES (?, ?)",
                (chat_id, day),
            ).rowcount
            if won:
                conn.execute("UPDATE reminders SET last_sent = ? WHERE chat_id = ?", (day, chat_id))
                conn.execute(
                    "DELETE FROM reminder_claims WHERE chat_id = ? AND day < ?", (chat_id, old)
                )
        return bool(won)
