"""State stores: the SQLite default (and the in-memory one, against the same contract)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tutor.domain import Turn
from tutor.ports import StateStore
from tutor.stores.memory import MemoryStateStore
from tutor.stores.sqlite import SQLiteStateStore


def make_turn(i: int, answerable: bool = True, tag: str = "") -> Turn:
    return Turn(
        question=f"{tag}question {i}",
        query=f"{tag}query {i}",
        answer=f"answer {i}",
        answerable=answerable,
        passage_ids=(i, i + 1) if answerable else (),
        topic=f"topic {i}",
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / "state.sqlite3"


@pytest.fixture
def sqlite_store(db: Path) -> Iterator[SQLiteStateStore]:
    store = SQLiteStateStore(db)
    yield store
    store.close()


@pytest.fixture(params=["sqlite", "memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StateStore]:
    s: SQLiteStateStore | MemoryStateStore = (
        SQLiteStateStore(tmp_path / "s.sqlite3")
        if request.param == "sqlite"
        else MemoryStateStore()
    )
    yield s
    s.close()


def test_history_round_trip_in_order(store: StateStore) -> None:
    turns = [make_turn(0), make_turn(1, answerable=False), make_turn(2)]
    for t in turns:
        store.append_turn("s1", t)
    assert store.history("s1", 10) == turns


def test_history_is_limited_to_the_last_turns(store: StateStore) -> None:
    for i in range(7):
        store.append_turn("s1", make_turn(i))
    assert store.history("s1", 3) == [make_turn(4), make_turn(5), make_turn(6)]
    assert [t.question for t in store.history("s1")] == [f"question {i}" for i in range(2, 7)]


def test_unknown_session_has_no_history(store: StateStore) -> None:
    store.append_turn("s1", make_turn(0))
    assert store.history("other") == []


def test_sessions_are_separate(store: StateStore) -> None:
    store.append_turn("a", make_turn(0, tag="a-"))
    store.append_turn("b", make_turn(0, tag="b-"))
    assert [t.question for t in store.history("a")] == ["a-question 0"]
    assert [t.question for t in store.history("b")] == ["b-question 0"]


def test_types_survive_the_round_trip(sqlite_store: SQLiteStateStore) -> None:
    turn = Turn("Когда? ✓", "q", "ответ", False, (), "тема")
    sqlite_store.append_turn("s", turn)
    sqlite_store.append_turn("s", make_turn(3))
    got = sqlite_store.history("s")
    assert got == [turn, make_turn(3)]
    assert got[0].answerable is False
    assert got[1].passage_ids == (3, 4)
    assert isinstance(got[1].passage_ids, tuple)


def test_creates_the_parent_folder(db: Path) -> None:
    assert not db.parent.exists()
    store = SQLiteStateStore(db)
    store.close()
    assert db.is_file()


def test_survives_close_and_reopen(db: Path) -> None:
    first = SQLiteStateStore(db)
    for i in range(3):
        first.append_turn("s1", make_turn(i))
    first.close()
    second = SQLiteStateStore(db)
    try:
        assert second.history("s1", 10) == [make_turn(0), make_turn(1), make_turn(2)]
        second.append_turn("s1", make_turn(3))
        assert second.history("s1", 2) == [make_turn(2), make_turn(3)]
    finally:
        second.close()


def test_wal_mode_is_on(sqlite_store: SQLiteStateStore, db: Path) -> None:
    sqlite_store.append_turn("s", make_turn(0))
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        count = conn.execute("SELECT COUNT(*) FROM turns").fetchone()[0]
        assert count == 1  # committed and visible to another connection
    finally:
        conn.close()


THREADS, TURNS = 8, 50


def run_threads(store: StateStore, session_of: Callable[[int], str]) -> None:
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            barrier.wait()
            for i in range(TURNS):
                store.append_turn(session_of(n), make_turn(i, tag=f"t{n}-"))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    assert not any(t.is_alive() for t in threads)


def test_concurrent_appends_to_different_sessions_lose_nothing(
    sqlite_store: SQLiteStateStore,
) -> None:
    run_threads(sqlite_store, lambda n: f"session-{n}")
    for n in range(THREADS):
        history = sqlite_store.history(f"session-{n}", 1000)
        assert [t.question for t in history] == [f"t{n}-question {i}" for i in range(TURNS)]


def test_concurrent_appends_to_one_session_lose_nothing(
    sqlite_store: SQLiteStateStore, db: Path
) -> None:
    run_threads(sqlite_store, lambda n: "shared")
    history = sqlite_store.history("shared", 10_000)
    assert len(history) == THREADS * TURNS
    for n in range(THREADS):
        mine = [t.question for t in history if t.question.startswith(f"t{n}-")]
        assert mine == [f"t{n}-question {i}" for i in range(TURNS)]  # each thread's order kept
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


def test_sqlite_history_limit_zero_is_empty(sqlite_store: SQLiteStateStore) -> None:
    sqlite_store.append_turn("s", make_turn(0))
    assert sqlite_store.history("s", 0) == []


def test_memory_history_limit_zero_is_empty() -> None:
    store = MemoryStateStore()
    store.append_turn("s", make_turn(0))
    assert store.history("s", 0) == []
