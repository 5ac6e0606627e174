"""The default state store: one SQLite file in the data folder, in WAL mode.

One module per owner (sessions, progress, keys, audit, links), each with its tables and its
part of `StateStore`; `connection.py` holds what they share: the file, one connection per
thread, and every failure of the file turned into `Unavailable`.
"""

from __future__ import annotations

from . import audit, keys, links, progress, sessions
from .audit import SQLiteAudit
from .keys import SQLiteKeys
from .links import SQLiteLinks
from .progress import SQLiteProgress
from .sessions import SQLiteSessions

# every owner's tables, created together on first use
SCHEMA = "".join(owner.SCHEMA for owner in (sessions, progress, keys, audit, links))


class SQLiteStateStore(SQLiteSessions, SQLiteProgress, SQLiteKeys, SQLiteAudit, SQLiteLinks):
    """Sessions, progress, keys, the audit log and links in one SQLite database file."""

    SCHEMA = SCHEMA


__all__ = ["SQLiteStateStore"]
