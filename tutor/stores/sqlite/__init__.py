"""The default state store: one SQLite file in the data folder, in WAL mode.

One module per owner (sessions, progress, keys, audit, links, corrections, courses,
reminders), each with its tables and its part of `StateStore`; `connection.py` holds what they
share: the file, one connection per thread, and every failure of the file turned into
`Unavailable`.
"""

from __future__ import annotations

from . import audit, corrections, courses, keys, links, progress, reminders, sessions
from .audit import SQLiteAudit
from .corrections import SQLiteCorrections
from .courses import SQLiteCourses
from .keys import SQLiteKeys
from .links import SQLiteLinks
from .progress import SQLiteProgress
from .reminders import SQLiteReminders
from .sessions import SQLiteSessions

# every owner's tables, created together on first use
SCHEMA = "".join(
    owner.SCHEMA
    for owner in (sessions, progress, keys, audit, links, corrections, courses, reminders)
)


class SQLiteStateStore(
    SQLiteSessions,
    SQLiteProgress,
    SQLiteKeys,
    SQLiteAudit,
    SQLiteLinks,
    SQLiteCorrections,
    SQLiteCourses,
    SQLiteReminders,
):
    """Sessions, progress, keys, the audit log, links, corrections, the course catalog and
    reminders in one SQLite file."""

    SCHEMA = SCHEMA
    MIGRATIONS = (keys.migrate,)


__all__ = ["SQLiteStateStore"]
