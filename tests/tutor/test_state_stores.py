"""Every state store (memory, SQLite, Redis) against the same `StateStore` contract.

The Redis cases need the Redis of `tests/redisdb.py`; they fail, not skip, when it is down.
"""

from __future__ import annotations

import dataclasses
import random
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from pydantic import ValidationError

from tests.redisdb import REDIS_URL, client, fresh_prefix, keys_under, with_prefix
from tutor.domain import (
    ApiKey,
    Attempt,
    AuditFilter,
    AuditRecord,
    Citation,
    Correction,
    QuizItem,
    Reminder,
    Review,
    Turn,
)
from tutor.errors import InvalidInput, Unavailable
from tutor.ports import StateStore
from tutor.settings import Settings
from tutor.stores.codec import matches
from tutor.stores.memory import MemoryStateStore
from tutor.stores.redis import DEFAULT_PREFIX, RedisStateStore, split_url
from tutor.stores.sqlite import SQLiteStateStore

Opener = Callable[[], StateStore]
CITE = Citation("doc-a", "Intro", 10, 25, "The wall stood.", 0.75)


def make_turn(i: int, answerable: bool = True, tag: str = "") -> Turn:
    return Turn(
        question=f"{tag}question {i}",
        query=f"{tag}query {i}",
        answer=f"answer {i}",
        answerable=answerable,
        passage_ids=(i, i + 1) if answerable else (),
        topic=f"topic {i}",
    )


def make_item(
    quiz_id: str, options: tuple[str, ...] | None = ("A", "B"), topic: str = ""
) -> QuizItem:
    return QuizItem(quiz_id, "multiple_choice", f"Q {quiz_id}?", "A", CITE, options, topic)


def make_record(
    session: str = "s1",
    *,
    at: float = 100.0,
    channel: str = "http",
    answerable: bool = True,
    confidence: float = 0.9,
    question: str = "q",
) -> AuditRecord:
    return AuditRecord(
        0, at, channel, session, question, "a", answerable, confidence, (CITE,), "v1"
    )


@pytest.fixture
def redis_url() -> Iterator[str]:
    """The test Redis with a fresh key prefix in its URL; the prefix's keys go afterwards."""
    with fresh_prefix() as prefix:
        yield with_prefix(REDIS_URL, prefix)


def _opened(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Opener]:
    """Opens a store of `kind`; for SQLite and Redis each call reopens the same data."""
    memory = MemoryStateStore()
    if kind == "redis":  # only the Redis cases need Redis
        url = request.getfixturevalue("redis_url")
    makers: dict[str, Opener] = {
        "memory": lambda: memory,
        "sqlite": lambda: SQLiteStateStore(tmp_path / "state.sqlite3"),
        "redis": lambda: RedisStateStore(url),
    }
    opened: list[StateStore] = []

    def open_() -> StateStore:
        opened.append(makers[kind]())
        return opened[-1]

    yield open_
    for s in opened:
        s.close()


@pytest.fixture(params=["memory", "sqlite", "redis"])
def open_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Opener]:
    yield from _opened(request.param, request, tmp_path)


@pytest.fixture(params=["sqlite", "redis"])
def durable(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Opener]:
    """The stores whose data outlive the object."""
    yield from _opened(request.param, request, tmp_path)


@pytest.fixture
def store(open_store: Opener) -> StateStore:
    return open_store()


# Conversations


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
    assert store.history("s1", 1) == [make_turn(6)]
    assert store.history("s1", 0) == []


def test_unknown_session_has_no_history(store: StateStore) -> None:
    store.append_turn("s1", make_turn(0))
    assert store.history("other") == []


def test_sessions_are_separate(store: StateStore) -> None:
    store.append_turn("a", make_turn(0, tag="a-"))
    store.append_turn("b", make_turn(0, tag="b-"))
    store.append_turn("a:b", make_turn(0, tag="ab-"))  # a separator in an id joins nothing
    assert [t.question for t in store.history("a")] == ["a-question 0"]
    assert [t.question for t in store.history("b")] == ["b-question 0"]
    assert [t.question for t in store.history("a:b")] == ["ab-question 0"]


def test_types_survive_the_round_trip(store: StateStore) -> None:
    turn = Turn("Когда? ✓", "q", 'ответ "в кавычках"', False, (), "тема")
    store.append_turn("s", turn)
    store.append_turn("s", make_turn(3))
    got = store.history("s")
    assert got == [turn, make_turn(3)]
    assert got[0].answerable is False
    assert got[1].passage_ids == (3, 4)
    assert isinstance(got[1].passage_ids, tuple)


# Quiz items, served items, attempts, schedules


def test_items_round_trip_and_the_first_version_is_kept(store: StateStore) -> None:
    mc = make_item("q1", topic="Berlin")
    cloze = make_item("q2", options=None)
    store.save_item(mc)
    store.save_item(cloze)
    store.save_item(make_item("q1", options=("changed", "later")))  # an item never changes
    assert store.item("q1") == mc
    assert store.item("q2") == cloze
    got = store.item("q2")
    assert got is not None and got.options is None
    assert store.item("unknown") is None


def test_served_keeps_the_last_time_per_item_and_session(store: StateStore) -> None:
    assert store.served("s1") == {}
    store.mark_served("s1", "q1", 1000.5)
    store.mark_served("s1", "q2", 1001.0)
    store.mark_served("s1", "q1", 1700000000.123456)
    store.mark_served("s2", "q1", 5.0)
    assert store.served("s1") == {"q1": 1700000000.123456, "q2": 1001.0}
    assert store.served("s2") == {"q1": 5.0}


def test_attempts_are_numbered_per_item_in_order(store: StateStore) -> None:
    r1 = Review(600.0, "learning", 0, None, None, 10.0)
    r2 = Review(86_400.0, "review", None, 2.3065, 2.118, 12.5, 0.41)
    r3 = Review(9e5, "relearning", 0, 0.7, 7.25, 11.0)
    assert store.record_attempt("s1", "q1", "B", False, r1, 10.0) == Attempt(
        "q1", "B", False, 10.0, 1
    )
    assert store.record_attempt("s1", "q2", "x", True, r3, 11.0) == Attempt(
        "q2", "x", True, 11.0, 1
    )
    assert store.record_attempt("s1", "q1", "A", True, r2, 12.5) == Attempt(
        "q1", "A", True, 12.5, 2
    )
    store.record_attempt("s2", "q1", "C", False, r1, 13.0)
    assert store.attempts("s1") == [
        Attempt("q1", "B", False, 10.0, 1),
        Attempt("q2", "x", True, 11.0, 1),
        Attempt("q1", "A", True, 12.5, 2),
    ]
    assert store.attempts("s2") == [Attempt("q1", "C", False, 13.0, 1)]
    assert store.attempts("nobody") == []
    assert store.reviews("s1") == {"q1": r2, "q2": r3}  # the latest schedule per item
    assert store.reviews("s2") == {"q1": r1}
    assert store.reviews("nobody") == {}


def test_attempts_since_reads_every_learners_attempts_from_a_time(store: StateStore) -> None:
    review = Review()
    store.record_attempt("s1", "q1", "B", False, review, 10.0)
    store.record_attempt("s2", "q1", "A", True, review, 11.0)
    store.record_attempt("s1", "q1", "A", True, review, 12.0)
    store.record_attempt("a:b", "q2", "x", False, review, 15.5)  # a separator in an id
    store.record_attempt("s1", "q2", "y", True, review, 20.0)
    assert store.attempts_since() == [
        ("s1", Attempt("q1", "B", False, 10.0, 1)),
        ("s2", Attempt("q1", "A", True, 11.0, 1)),
        ("s1", Attempt("q1", "A", True, 12.0, 2)),
        ("a:b", Attempt("q2", "x", False, 15.5, 1)),
        ("s1", Attempt("q2", "y", True, 20.0, 1)),
    ]
    # at or after the time; a number still counts the learner's earlier attempts
    assert store.attempts_since(12.0) == [
        ("s1", Attempt("q1", "A", True, 12.0, 2)),
        ("a:b", Attempt("q2", "x", False, 15.5, 1)),
        ("s1", Attempt("q2", "y", True, 20.0, 1)),
    ]
    assert store.attempts_since(20.5) == []


def test_redis_finds_attempts_stored_before_its_session_index(redis_url: str) -> None:
    """Attempts a Redis held before P:attempt-sessions existed still count, and only the
    store's own: a prefix with pattern characters is escaped when it looks for them."""
    base = split_url(redis_url)[1]
    ours = RedisStateStore(redis_url, prefix=base + "a*:")
    theirs = RedisStateStore(redis_url, prefix=base + "ab:")  # what "a*" would match
    c = client()
    try:
        ours.record_attempt("s1", "q1", "B", False, Review(), 10.0)
        ours.record_attempt("s1", "q1", "A", True, Review(), 12.0)
        ours.record_attempt("s2", "q2", "x", True, Review(), 11.0)
        theirs.record_attempt("s9", "q1", "A", True, Review(), 13.0)
        c.delete(base + "a*:attempt-sessions")  # as an older version left it
        assert ours.attempts_since(11.5) == [("s1", Attempt("q1", "A", True, 12.0, 2))]
        assert [s for s, _ in ours.attempts_since()] == ["s1", "s2", "s1"]
        assert c.exists(base + "a*:attempt-sessions-indexed")
        assert c.zrange(base + "a*:attempt-sessions", 0, -1) == [b"s2", b"s1"]  # by latest
        assert theirs.attempts_since() == [("s9", Attempt("q1", "A", True, 13.0, 1))]
    finally:
        c.close()
        ours.close()
        theirs.close()


def test_concurrent_attempts_get_distinct_numbers(store: StateStore) -> None:
    threads, each = 4, 10
    barrier = threading.Barrier(threads)
    numbers: list[int] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            barrier.wait()
            for _ in range(each):
                numbers.append(store.record_attempt("s", "q", "a", True, Review(), 1.0).number)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=60)
    assert not errors
    assert sorted(numbers) == list(range(1, threads * each + 1))
    assert [a.number for a in store.attempts("s")] == list(range(1, threads * each + 1))


# Links and keys


def test_links_are_kept_per_kind_and_overwritten(store: StateStore) -> None:
    assert store.link("telegram", "42") is None
    store.set_link("telegram", "42", "s-1")
    store.set_link("poll", "42", "q-9")
    store.set_link("telegram", "42", "s-2")
    assert store.link("telegram", "42") == "s-2"
    assert store.link("poll", "42") == "q-9"
    assert store.link("telegram", "43") is None


def test_keys_add_list_role_and_revoke(store: StateStore) -> None:
    assert store.keys() == [] and store.role_of("h1") is None
    store.add_key("ms-smith", "teacher", "h2", 100.0)
    store.add_key("moodle", "student", "h1", 200.0)
    assert store.role_of("h1") == "student"
    assert store.role_of("h2") == "teacher"
    assert store.role_of("h3") is None
    with pytest.raises(InvalidInput, match="moodle"):
        store.add_key("moodle", "teacher", "h9", 300.0)
    assert store.role_of("h9") is None  # the refused key left nothing behind
    assert store.keys() == [
        ApiKey("ms-smith", "teacher", 100.0),
        ApiKey("moodle", "student", 200.0),
    ]

    assert store.revoke_key("moodle") is True
    assert store.revoke_key("moodle") is False  # already revoked
    assert store.revoke_key("nobody") is False
    assert store.role_of("h1") is None
    assert store.role_of("h2") == "teacher"
    assert store.keys() == [
        ApiKey("ms-smith", "teacher", 100.0),
        ApiKey("moodle", "student", 200.0, revoked=True),
    ]
    with pytest.raises(InvalidInput):  # a revoked name stays taken
        store.add_key("moodle", "student", "h4", 400.0)


def test_a_key_hash_is_stored_once(durable: Opener) -> None:
    store = durable()
    store.add_key("a", "student", "same", 1.0)
    with pytest.raises(InvalidInput):
        store.add_key("b", "teacher", "same", 2.0)
    assert store.role_of("same") == "student"
    listed = store.keys()
    assert [k.name for k in listed] == ["a"]


# The audit log


def test_audit_ids_increase_and_records_come_back_newest_first(store: StateStore) -> None:
    ids = [store.record_answer(make_record(question=f"q{i}", at=100.0 + i)) for i in range(3)]
    assert ids[0] >= 1 and ids == sorted(ids) and len(set(ids)) == 3
    got = store.audit(AuditFilter())
    assert [r.audit_id for r in got] == ids[::-1]
    assert [r.question for r in got] == ["q2", "q1", "q0"]
    assert got[0] == AuditRecord(ids[2], 102.0, "http", "s1", "q2", "a", True, 0.9, (CITE,), "v1")
    assert store.audit(AuditFilter(limit=2)) == got[:2]


def test_the_given_audit_id_is_ignored(store: StateStore) -> None:
    first = store.record_answer(make_record())
    given = AuditRecord(999, 1.0, "cli", "s", "q", "a", True, 0.5, (), "v")
    second = store.record_answer(given)
    assert second > first and second != 999
    assert store.audit(AuditFilter(channel="cli"))[0].audit_id == second


def test_audit_filters_each_field(store: StateStore) -> None:
    a = store.record_answer(make_record("s1", at=100.0, channel="http", confidence=0.9))
    b = store.record_answer(
        make_record("s2", at=200.0, channel="widget", answerable=False, confidence=0.1)
    )
    c = store.record_answer(make_record("s1", at=300.0, channel="telegram", confidence=0.4))
    d = store.record_answer(make_record("s3", at=50.0, channel="cli", confidence=0.6))
    assert store.flag(c, "wrong date") is True

    def ids(**kw: object) -> list[int]:
        return [r.audit_id for r in store.audit(AuditFilter(**kw))]  # type: ignore[arg-type]

    assert ids() == [d, c, b, a]
    assert ids(since=200.0) == [c, b]  # inclusive, and by time, not by id
    assert ids(since=301.0) == []
    assert ids(session_id="s1") == [c, a]
    assert ids(session_id="nobody") == []
    assert ids(channel="widget") == [b]
    assert ids(answerable=True) == [d, c, a]
    assert ids(answerable=False) == [b]
    assert ids(flagged=True) == [c]
    assert ids(flagged=False) == [d, b, a]
    assert ids(max_confidence=0.4) == [c, b]  # inclusive
    assert ids(session_id="s1", flagged=False) == [a]
    assert ids(since=100.0, answerable=True, max_confidence=0.5) == [c]
    assert ids(session_id="s1", limit=1) == [c]


def test_flag_marks_a_record_and_refuses_unknown_ids(store: StateStore) -> None:
    audit_id = store.record_answer(make_record())
    assert store.flag(audit_id + 1, "no such") is False
    assert store.flag(0, "no such") is False
    assert store.flag(-1, "no such") is False
    assert store.flag(audit_id, "first note") is True
    assert store.flag(audit_id, "second note") is True  # a teacher may change the note
    (record,) = store.audit(AuditFilter(flagged=True))
    assert record.audit_id == audit_id and record.flagged is True and record.note == "second note"


def test_audit_queries_agree_with_the_filter_over_many_records(store: StateStore) -> None:
    """Several hundred records (more than one fetch) with times out of id order."""
    rng = random.Random(7)
    kept: list[AuditRecord] = []
    for i in range(450):
        record = make_record(
            rng.choice(["s1", "s2", "s3"]),
            at=rng.uniform(0, 1000),
            channel=rng.choice(["http", "widget", "telegram", "cli"]),
            answerable=rng.random() < 0.8,
            confidence=round(rng.random(), 3),
            question=f"q{i}",
        )
        kept.append(dataclasses.replace(record, audit_id=store.record_answer(record)))
    flagged = set(rng.sample(range(len(kept)), 30))
    for i in flagged:
        assert store.flag(kept[i].audit_id, f"note {i}")
        kept[i] = dataclasses.replace(kept[i], flagged=True, note=f"note {i}")
    queries = [
        AuditFilter(limit=5000),
        AuditFilter(limit=7),
        AuditFilter(since=700.0, limit=5000),
        AuditFilter(since=999.0),
        AuditFilter(session_id="s2", limit=5000),
        AuditFilter(session_id="s2", since=500.0, limit=10),
        AuditFilter(channel="cli", answerable=False, limit=5000),
        AuditFilter(answerable=False, limit=500),
        AuditFilter(flagged=True, limit=5000),
        AuditFilter(flagged=True, max_confidence=0.5, limit=5000),
        AuditFilter(flagged=False, answerable=True, max_confidence=0.2, limit=5000),
    ]
    for query in queries:
        expected = [r for r in reversed(kept) if matches(r, query)][: query.limit]
        assert expected, query  # every query finds something, so a wrong empty answer fails
        assert store.audit(query) == expected, query


# Everything written survives closing the store and opening it again


# Corrections


def make_correction(cid: str, at: float, note: str = "1 May 1960, not 1961") -> Correction:
    return Correction(cid, "doc-a", 10, 25, note, "The wall «stood».\n", at)


def test_corrections_round_trip_oldest_first(store: StateStore) -> None:
    assert store.corrections() == []
    later, earlier = make_correction("c2", 20.0), make_correction("c1", 10.0, "ünïcode ✓")
    store.add_correction(later)
    store.add_correction(earlier)
    assert store.corrections() == [earlier, later]


def test_a_correction_is_removed_once(store: StateStore) -> None:
    store.add_correction(make_correction("c1", 1.0))
    store.add_correction(make_correction("c2", 2.0))
    assert store.remove_correction("c1") is True
    assert store.remove_correction("c1") is False
    assert store.remove_correction("nope") is False
    assert [c.correction_id for c in store.corrections()] == ["c2"]


def test_corrections_survive_close_and_reopen(durable: Opener) -> None:
    first = durable()
    first.add_correction(make_correction("c1", 1.0))
    first.close()
    assert durable().corrections() == [make_correction("c1", 1.0)]


def test_everything_survives_close_and_reopen(durable: Opener) -> None:
    first = durable()
    for i in range(3):
        first.append_turn("s1", make_turn(i))
    first.save_item(make_item("q1"))
    first.mark_served("s1", "q1", 10.0)
    card = Review(99.0, "review", None, 1.0, 4.5, 11.0, 0.25)
    attempt = first.record_attempt("s1", "q1", "A", True, card, 11.0)
    first.set_link("telegram", "7", "s1")
    first.add_key("moodle", "student", "h1", 1.0)
    first.add_key("old", "student", "h2", 2.0)
    first.revoke_key("old")
    audit_id = first.record_answer(make_record())
    first.flag(audit_id, "check")
    first.close()

    second = durable()
    assert second.history("s1", 10) == [make_turn(0), make_turn(1), make_turn(2)]
    second.append_turn("s1", make_turn(3))
    assert second.history("s1", 2) == [make_turn(2), make_turn(3)]
    assert second.item("q1") == make_item("q1")
    assert second.served("s1") == {"q1": 10.0}
    assert second.attempts("s1") == [attempt]
    assert second.reviews("s1") == {"q1": card}
    assert second.record_attempt("s1", "q1", "B", False, Review(), 12.0).number == 2
    assert second.link("telegram", "7") == "s1"
    assert second.role_of("h1") == "student" and second.role_of("h2") is None
    listed = second.keys()
    assert [k.revoked for k in listed] == [False, True]
    (record,) = second.audit(AuditFilter())
    assert (record.audit_id, record.flagged, record.note) == (audit_id, True, "check")
    assert second.record_answer(make_record()) > audit_id


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


def assert_every_turn_kept(history: list[Turn]) -> None:
    """All the turns of `run_threads` on one session, each thread's in its order."""
    assert len(history) == THREADS * TURNS
    for n in range(THREADS):
        mine = [t.question for t in history if t.question.startswith(f"t{n}-")]
        assert mine == [f"t{n}-question {i}" for i in range(TURNS)]


def test_concurrent_appends_to_different_sessions_lose_nothing(store: StateStore) -> None:
    run_threads(store, lambda n: f"session-{n}")
    for n in range(THREADS):
        history = store.history(f"session-{n}", 1000)
        assert [t.question for t in history] == [f"t{n}-question {i}" for i in range(TURNS)]


# Redis only: key prefixes, replicas, bounded history, failures


def test_redis_keys_stay_under_the_prefix_and_prefixes_are_separate(redis_url: str) -> None:
    prefix = split_url(redis_url)[1]
    with fresh_prefix("other") as other_prefix:
        ours, theirs = (
            RedisStateStore(redis_url),
            RedisStateStore(with_prefix(REDIS_URL, other_prefix)),
        )
        try:
            ours.append_turn("s", make_turn(0))
            ours.record_attempt("s", "q", "a", True, Review(), 1.0)
            ours.add_key("k", "student", "h", 1.0)
            ours.flag(ours.record_answer(make_record("s")), "n")
            assert theirs.history("s") == [] and theirs.attempts("s") == []
            assert theirs.role_of("h") is None and theirs.audit(AuditFilter()) == []
            assert keys_under(other_prefix) == []
            assert len(keys_under(prefix)) >= 8
        finally:
            ours.close()
            theirs.close()


def test_redis_replicas_share_state_and_audit_ids_keep_increasing(redis_url: str) -> None:
    a, b = RedisStateStore(redis_url), RedisStateStore(redis_url)
    try:
        a.append_turn("s", make_turn(0))
        b.append_turn("s", make_turn(1))
        assert a.history("s") == b.history("s") == [make_turn(0), make_turn(1)]
        ids = [(a if i % 2 else b).record_answer(make_record(question=str(i))) for i in range(6)]
        assert ids == sorted(ids) and len(set(ids)) == 6
        assert [r.question for r in a.audit(AuditFilter())] == [str(i) for i in range(5, -1, -1)]
        a.add_key("k", "teacher", "h", 1.0)
        assert b.role_of("h") == "teacher"
        assert b.revoke_key("k") is True
        assert a.role_of("h") is None
    finally:
        a.close()
        b.close()


def test_redis_concurrent_appends_to_one_session_lose_nothing(redis_url: str) -> None:
    store = RedisStateStore(redis_url, keep_turns=THREADS * TURNS)
    try:
        run_threads(store, lambda n: "shared")
        assert_every_turn_kept(store.history("shared", 10_000))
    finally:
        store.close()


def test_redis_history_is_trimmed_to_what_the_tutor_reads(redis_url: str) -> None:
    store = RedisStateStore(redis_url, keep_turns=10)
    try:
        for i in range(25):
            store.append_turn("s", make_turn(i))
        assert store.history("s", 5) == [make_turn(i) for i in range(20, 25)]
        assert store.history("s", 100) == [make_turn(i) for i in range(15, 25)]
        c = client()
        try:
            assert c.llen(store.prefix + "turns:s") == 10
        finally:
            c.close()
    finally:
        store.close()


def test_redis_audit_skips_an_id_whose_write_never_happened(redis_url: str) -> None:
    store = RedisStateStore(redis_url)
    try:
        first = store.record_answer(make_record(question="before"))
        c = client()
        try:
            c.incr(store.prefix + "audit:next")  # as if a replica died between INCR and EXEC
        finally:
            c.close()
        last = store.record_answer(make_record(question="after"))
        assert last == first + 2
        assert [r.question for r in store.audit(AuditFilter())] == ["after", "before"]
        assert store.flag(first + 1, "gap") is False
    finally:
        store.close()


def test_a_redis_error_becomes_unavailable(redis_url: str) -> None:
    store = RedisStateStore(redis_url)
    c = client()
    try:
        c.set(store.prefix + "turns:s", "not a list")  # any command on it fails (WRONGTYPE)
        with pytest.raises(Unavailable, match="refused") as caught:
            store.history("s")
        assert isinstance(caught.value.__cause__, redis.ResponseError)
    finally:
        c.close()
        store.close()


UNREACHABLE = "redis://reader:s3cret-pw@127.0.0.1:1/0?prefix=x:"
EVERY_CALL: dict[str, Callable[[StateStore], object]] = {
    "history": lambda s: s.history("s"),
    "append_turn": lambda s: s.append_turn("s", make_turn(0)),
    "save_item": lambda s: s.save_item(make_item("q")),
    "item": lambda s: s.item("q"),
    "mark_served": lambda s: s.mark_served("s", "q", 1.0),
    "served": lambda s: s.served("s"),
    "record_attempt": lambda s: s.record_attempt("s", "q", "a", True, Review(), 1.0),
    "attempts": lambda s: s.attempts("s"),
    "attempts_since": lambda s: s.attempts_since(1.0),
    "reviews": lambda s: s.reviews("s"),
    "set_link": lambda s: s.set_link("k", "x", "v"),
    "link": lambda s: s.link("k", "x"),
    "add_key": lambda s: s.add_key("n", "student", "h", 1.0),
    "revoke_key": lambda s: s.revoke_key("n"),
    "keys": lambda s: s.keys(),
    "role_of": lambda s: s.role_of("h"),
    "record_answer": lambda s: s.record_answer(make_record()),
    "audit": lambda s: s.audit(AuditFilter(session_id="s")),
    "flag": lambda s: s.flag(1, "n"),
    "save_reminder": lambda s: s.save_reminder(Reminder("1", "s", "18:30", "UTC")),
    "reminder": lambda s: s.reminder("1"),
    "reminders": lambda s: s.reminders(),
    "claim_reminder": lambda s: s.claim_reminder("1", "2026-05-11"),
}


@pytest.mark.parametrize("call", EVERY_CALL.values(), ids=EVERY_CALL.keys())
def test_an_unreachable_redis_is_unavailable_fast_and_keeps_secrets(
    call: Callable[[StateStore], object],
) -> None:
    store = RedisStateStore(UNREACHABLE)  # constructing connects to nothing
    started = time.monotonic()
    try:
        with pytest.raises(Unavailable) as caught:
            call(store)
    finally:
        store.close()
    assert time.monotonic() - started < 3.0
    message = str(caught.value)
    assert "unreachable" in message
    assert "s3cret" not in message and "reader" not in message and "127.0.0.1" not in message
    assert "s3cret" not in repr(store)


def test_after_a_failed_connection_calls_fail_at_once_for_a_moment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = RedisStateStore(UNREACHABLE, retry_after=0.3)
    tried: list[object] = []
    real = store._redis.execute_command
    monkeypatch.setattr(store._redis, "execute_command", lambda *a: tried.append(a) or real(*a))
    try:
        for expected in (1, 1, 1, 2):  # the fourth call comes after the pause
            if len(tried) == 1 and expected == 2:
                time.sleep(0.35)
            with pytest.raises(Unavailable, match="unreachable"):
                store.history("s")
            assert len(tried) == expected
    finally:
        store.close()


def test_redis_timeouts_are_small() -> None:
    store = RedisStateStore(UNREACHABLE)
    try:
        kwargs = store._redis.connection_pool.connection_kwargs
        assert kwargs["socket_timeout"] <= 2 and kwargs["socket_connect_timeout"] <= 2
        assert kwargs["retry"].get_retries() == 0  # a timed-out write is never sent twice
    finally:
        store.close()


# Selecting the Redis store: the URL, settings and wiring


def test_split_url_takes_the_prefix_out_of_the_url() -> None:
    assert split_url("redis://127.0.0.1:6379/0") == ("redis://127.0.0.1:6379/0", DEFAULT_PREFIX)
    assert DEFAULT_PREFIX == "tutor:"
    assert split_url("rediss://u:p@h:6380/2?prefix=course-a:&health_check_interval=5") == (
        "rediss://u:p@h:6380/2?health_check_interval=5",
        "course-a:",
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("redis://u:s3cret@h:port/0", "port"),
        ("redis://u:s3cret@h:6379/zero", "database number"),
        ("redis://u:s3cret@h:6379/0?prefix=", "prefix"),
        ("http://u:s3cret@h:6379/0", "redis://"),
    ],
)
def test_split_url_names_the_problem_without_the_password(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as caught:
        split_url(url)
    assert "s3cret" not in str(caught.value)


def test_settings_accept_redis_urls_and_name_the_allowed_schemes() -> None:
    for url in (
        "redis://127.0.0.1:6379/0",
        "rediss://h:6380/1?prefix=a:",
        "sqlite:///x",
        "memory:",
    ):
        assert Settings(state_url=url).state_url == url
    with pytest.raises(ValidationError) as caught:
        Settings(state_url="http://u:s3cret@h/0")
    (error,) = caught.value.errors()
    assert "redis://" in error["msg"] and "s3cret" not in error["msg"]
    with pytest.raises(ValidationError, match="port"):
        Settings(state_url="redis://h:nope/0")


def test_wiring_builds_the_redis_store_from_the_url(redis_url: str) -> None:
    from bots.wiring import build_state_store

    store = build_state_store(Settings(state_url=redis_url))
    try:
        assert isinstance(store, RedisStateStore)
        assert store.prefix == split_url(redis_url)[1]
        store.set_link("k", "x", "v")
        assert keys_under(store.prefix) == [store.prefix + "links:k"]
    finally:
        store.close()


def test_open_store_is_the_one_registry_of_schemes(tmp_path: Path, redis_url: str) -> None:
    from tutor.stores import open_store, sqlite_url

    found = [open_store(u) for u in ("memory:", sqlite_url(tmp_path / "s.sqlite3"), redis_url)]
    try:
        assert [type(s) for s in found] == [MemoryStateStore, SQLiteStateStore, RedisStateStore]
        assert (tmp_path / "s.sqlite3").exists()
    finally:
        for s in found:
            s.close()
    with pytest.raises(ValueError, match="sqlite:, memory:, redis:// or rediss://"):
        open_store("postgres://u:s3cret@h/db")
