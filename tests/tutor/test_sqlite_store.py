"""What only the SQLite store does: its file, WAL mode, many threads on one file.

The contract every store shares (SQLite included) is tested in `test_state_stores.py`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.tutor.test_state_stores import (
    THREADS,
    TURNS,
    assert_every_turn_kept,
    make_turn,
    run_threads,
)
from tutor.stores.memory import MemoryStateStore
from tutor.stores.sqlite import SQLiteStateStore


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / "state.sqlite3"


@pytest.fixture
def sqlite_store(db: Path) -> Iterator[SQLiteStateStore]:
    store = SQLiteStateStore(db)
    yield store
    store.close()


def test_creates_the_parent_folder(db: Path) -> None:
    assert not db.parent.exists()
    store = SQLiteStateStore(db)
    store.close()
    assert db.is_file()


def test_wal_mode_is_on(sqlite_store: SQLiteStateStore, db: Path) -> None:
    sqlite_store.append_turn("s", make_turn(0))
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        count = conn.execute("SELECT COUNT(*) FROM turns").fetchone()[0]
        assert count == 1  # committed and visible to another connection
    finally:
        conn.close()


def test_concurrent_appends_to_one_session_lose_nothing(
    sqlite_store: SQLiteStateStore, db: Path
) -> None:
    run_threads(sqlite_store, lambda n: "shared")
    assert_every_turn_kept(sqlite_store.history("shared", 10_000))
    sqlite_store.close()
    reopened = SQLiteStateStore(db)
    try:
        assert len(reopened.history("shared", 10_000)) == THREADS * TURNS
    finally:
        reopened.close()


def test_memory_store_is_thread_safe() -> None:
    store = MemoryStateStore()
    run_threads(store, lambda n: "shared")
    assert len(store.history("shared", 10_000)) == THREADS * TURNS
