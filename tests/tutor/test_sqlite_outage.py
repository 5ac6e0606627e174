"""The SQLite store when its file cannot be used: `Unavailable` naming the file, never a raw
sqlite3 error; and an attempt synced to the disk before it is acknowledged."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from tutor import InvalidInput, Unavailable
from tutor.domain import AuditFilter, Review
from tutor.stores.sqlite import SQLiteStateStore

REVIEW = Review(100.0, "review", None, 1.0, 5.0, 13.6)

CALLS: dict[str, Callable[[SQLiteStateStore], object]] = {
    "history": lambda s: s.history("s", 5),
    "record_attempt": lambda s: s.record_attempt("s", "q-1", "a", True, REVIEW, 1.0),
    "attempts": lambda s: s.attempts("s"),
    "attempts_since": lambda s: s.attempts_since(1.0),
    "set_link": lambda s: s.set_link("k", "x", "v"),
    "keys": lambda s: s.keys(),
    "audit": lambda s: s.audit(AuditFilter()),
    "claim_reminder": lambda s: s.claim_reminder("1", "2026-05-11"),
}


def on_a_missing_mount(tmp_path: Path) -> Path:
    """A database path whose folder cannot exist: its parent is a plain file."""
    blocker = tmp_path / "mnt"
    blocker.write_text("not a folder")
    return blocker / "state" / "state.sqlite3"


def test_a_store_on_an_unreachable_path_can_be_built(tmp_path: Path) -> None:
    SQLiteStateStore(on_a_missing_mount(tmp_path)).close()  # no exception: start degraded


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
def test_every_call_on_an_unreachable_path_raises_unavailable_naming_it(
    tmp_path: Path, call: Callable[[SQLiteStateStore], object]
) -> None:
    path = on_a_missing_mount(tmp_path)
    store = SQLiteStateStore(path)
    with pytest.raises(Unavailable, match=str(path)):
        call(store)


def test_the_store_recovers_when_the_path_becomes_reachable(tmp_path: Path) -> None:
    path = on_a_missing_mount(tmp_path)
    store = SQLiteStateStore(path)
    with pytest.raises(Unavailable):
        store.set_link("k", "x", "v")
    (tmp_path / "mnt").unlink()  # the mount appears
    store.set_link("k", "x", "v")
    assert store.link("k", "x") == "v"
    store.close()


def test_a_database_deleted_while_in_use_is_unavailable_not_written_into_the_void(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "state"
    store = SQLiteStateStore(folder / "state.sqlite3")
    store.set_link("k", "x", "v")
    shutil.rmtree(folder)
    # the open connection would otherwise go on writing into the deleted file
    with pytest.raises(Unavailable, match=r"state\.sqlite3"):
        store.record_attempt("s", "q-1", "a", True, REVIEW, 1.0)
    with pytest.raises(Unavailable):
        store.link("k", "x")
    store.close()


def test_a_replaced_database_file_is_unavailable(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    store = SQLiteStateStore(path)
    store.set_link("k", "x", "v")
    other = tmp_path / "other.sqlite3"
    SQLiteStateStore(other).close()
    other.replace(path)
    with pytest.raises(Unavailable, match="replaced"):
        store.link("k", "x")
    store.close()


def test_a_corrupt_database_file_is_unavailable(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    path.write_bytes(b"this is not a database" * 200)
    store = SQLiteStateStore(path)
    with pytest.raises(Unavailable, match=r"state\.sqlite3"):
        store.history("s", 5)


def test_a_duplicate_key_name_is_still_invalid_input(tmp_path: Path) -> None:
    store = SQLiteStateStore(tmp_path / "state.sqlite3")
    store.add_key("lms", "student", "h1", 1.0)
    with pytest.raises(InvalidInput):
        store.add_key("lms", "student", "h2", 2.0)
    store.close()


def test_an_attempt_is_synced_to_the_disk_before_it_is_acknowledged(tmp_path: Path) -> None:
    store = SQLiteStateStore(tmp_path / "state.sqlite3")
    conn = store._connection()
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    store.record_attempt("s", "q-1", "a", True, REVIEW, 1.0)
    store.set_link("k", "x", "v")
    conn.set_trace_callback(None)
    commits = [i for i, s in enumerate(statements) if s.upper() == "COMMIT"]
    full = statements.index("PRAGMA synchronous=FULL")
    normal = statements.index("PRAGMA synchronous=NORMAL")
    assert full < commits[0] < normal < commits[1]  # only the attempt pays for the sync
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL again
    store.close()


def test_errors_that_are_not_the_files_fault_are_not_hidden(tmp_path: Path) -> None:
    store = SQLiteStateStore(tmp_path / "state.sqlite3")
    store.close()
    store._local.conn = sqlite3.connect(":memory:")
    store._local.conn.close()
    with pytest.raises(sqlite3.ProgrammingError):  # a closed connection is our bug
        store.history("s", 5)
