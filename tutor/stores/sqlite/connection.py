"""The SQLite store's file and connections, which every owner's part uses.

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
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from ...errors import Unavailable

P = ParamSpec("P")
R = TypeVar("R")
S = TypeVar("S", bound="SQLiteConnection")


def unavailable_on_failure(
    method: Callable[Concatenate[S, P], R],
) -> Callable[Concatenate[S, P], R]:
    """Turn an unreachable or broken database file into `Unavailable`, naming the file."""

    @functools.wraps(method)
    def guarded(self: S, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(self, *args, **kwargs)
        except (sqlite3.IntegrityError, sqlite3.ProgrammingError):
            raise  # the caller's mistake or ours, not the file's
        except (sqlite3.DatabaseError, OSError) as exc:
            raise Unavailable(f"the state database {self.path} is unavailable: {exc}") from exc

    return guarded


class SQLiteConnection:
    """A SQLite database file, one connection per thread; each owner's part adds its tables
    (its `SCHEMA`) and methods, and `SQLiteStateStore` puts them together."""

    SCHEMA = ""  # the tables, created on first use
    # then each of these brings a file made by an older version up to date (idempotent)
    MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = ()

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

    @unavailable_on_failure
    def _open(self) -> None:
        """Open the database, creating it and its tables on first use."""
        self._connection()

    @contextlib.contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection in one write transaction, holding the process's write
        lock."""
        with self._write_lock, self._connection() as conn:
            yield conn

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
                        conn.executescript(self.SCHEMA)
                    for migrate in self.MIGRATIONS:
                        migrate(conn)
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

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                # closing from a thread that did not open it may refuse; the process is ending
                with contextlib.suppress(sqlite3.ProgrammingError):
                    conn.close()
            self._all.clear()
        self._local = threading.local()
