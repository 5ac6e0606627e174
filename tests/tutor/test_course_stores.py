"""What courses add to every state store (memory, SQLite, Redis): the course catalog, keys
scoped to courses (and keys kept before courses existed), and a course's own store derived
from the deployment's URL."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.redisdb import REDIS_URL, client, fresh_prefix, keys_under, with_prefix
from tests.tutor import test_state_stores as contract
from tests.tutor.test_state_stores import UNREACHABLE, Opener, make_turn
from tutor import stores
from tutor.domain import DEFAULT_COURSE, ApiKey, CourseInfo, Grant
from tutor.errors import InvalidInput, Unavailable
from tutor.ports import StateStore
from tutor.stores import course_store_url, drop_course_store, sqlite_url
from tutor.stores.memory import MemoryStateStore
from tutor.stores.redis import RedisStateStore, split_url
from tutor.stores.sqlite import SQLiteStateStore

# the stores of the contract's fixtures: memory, SQLite and Redis (SQLite and Redis: durable)
open_store, store, durable = contract.open_store, contract.store, contract.durable
redis_url = contract.redis_url

# The catalog


def test_catalog_add_list_get_and_remove(store: StateStore) -> None:
    assert store.courses() == [] and store.course_info("bio") is None
    store.add_course(CourseInfo("bio", "Biology 9", 200.0))
    store.add_course(CourseInfo("chem", "Chemistry", 100.0))
    store.add_course(CourseInfo("art", "Art", 200.0))
    assert store.course_info("bio") == CourseInfo("bio", "Biology 9", 200.0)
    assert [c.course_id for c in store.courses()] == ["chem", "art", "bio"]  # oldest, then id
    with pytest.raises(InvalidInput, match="bio"):
        store.add_course(CourseInfo("bio", "Another", 300.0))
    assert store.course_info("bio") == CourseInfo("bio", "Biology 9", 200.0)  # unchanged
    assert store.remove_course("bio") is True
    assert store.remove_course("bio") is False
    assert store.course_info("bio") is None
    assert [c.course_id for c in store.courses()] == ["chem", "art"]
    store.add_course(CourseInfo("bio", "Biology again", 400.0))  # a removed id is free
    assert store.course_info("bio") == CourseInfo("bio", "Biology again", 400.0)


def test_the_catalog_survives_reopening(durable: Opener) -> None:
    durable().add_course(CourseInfo("bio", "Biologie — 9ᵉ", 1.5))
    assert durable().courses() == [CourseInfo("bio", "Biologie — 9ᵉ", 1.5)]


# Keys scoped to courses


def test_keys_carry_their_courses_and_grants(store: StateStore) -> None:
    store.add_key("lms", "student", "h1", 1.0, ("bio", "chem"))
    store.add_key("ms-smith", "teacher", "h2", 2.0)  # no course named: the default one
    store.add_key("root", "admin", "h3", 3.0, ())
    assert store.keys() == [
        ApiKey("lms", "student", 1.0, courses=("bio", "chem")),
        ApiKey("ms-smith", "teacher", 2.0, courses=(DEFAULT_COURSE,)),
        ApiKey("root", "admin", 3.0, courses=()),
    ]
    assert store.grant_of("h1") == Grant("student", ("bio", "chem"))
    assert store.grant_of("h2") == Grant("teacher", (DEFAULT_COURSE,))
    assert store.grant_of("h3") == Grant("admin", ())
    assert store.grant_of("h4") is None
    assert store.role_of("h3") == "admin"
    store.revoke_key("lms")
    assert store.grant_of("h1") is None and store.role_of("h1") is None


def test_a_removed_course_is_taken_off_every_key(store: StateStore) -> None:
    store.add_key("lms", "student", "h1", 1.000001, ("bio", "chem"))
    store.add_key("bio-only", "teacher", "h2", 2.0, ("bio",))
    store.add_key("root", "admin", "h3", 3.0, ())
    store.add_key("old", "student", "h4", 4.0, ("bio",))
    store.revoke_key("old")
    assert store.forget_course("bio") == 2  # lms and bio-only; the revoked one is left be
    assert store.grant_of("h1") == Grant("student", ("chem",))
    assert store.grant_of("h2") is None  # no course left: revoked, not "every course"
    assert store.grant_of("h3") == Grant("admin", ())
    listed = store.keys()
    keys = {k.name: k for k in listed}
    assert keys["lms"] == ApiKey("lms", "student", 1.000001, courses=("chem",))
    assert keys["bio-only"].revoked and keys["bio-only"].courses == ()
    assert keys["old"].courses == ("bio",)
    assert store.forget_course("bio") == 0 and store.forget_course("nothing") == 0


def test_a_grant_allows_its_courses_and_an_admin_every_one() -> None:
    student = Grant("student", ("bio", "chem"))
    assert student.allows("bio") and student.allows("chem")
    assert not student.allows("art") and not student.allows(DEFAULT_COURSE)
    assert not student.teaches("bio")
    teacher = Grant("teacher", ("bio",))
    assert teacher.teaches("bio") and not teacher.teaches("chem")
    admin = Grant("admin", ())
    assert admin.allows("anything") and admin.teaches(DEFAULT_COURSE)


def test_an_sqlite_key_table_from_before_courses_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    old = sqlite3.connect(path)
    with old:  # the table as it was made before courses existed, with a key in it
        old.execute(
            "CREATE TABLE api_keys (name TEXT PRIMARY KEY, role TEXT NOT NULL, "
            "key_hash TEXT NOT NULL UNIQUE, created_at REAL NOT NULL, "
            "revoked INTEGER NOT NULL DEFAULT 0)"
        )
        old.execute("INSERT INTO api_keys VALUES ('moodle', 'student', 'h1', 1.0, 0)")
        old.execute("INSERT INTO api_keys VALUES ('old', 'teacher', 'h2', 2.0, 1)")
    old.close()
    for n in range(2):  # the second opening finds the column there
        opened = SQLiteStateStore(path)
        try:
            assert opened.grant_of("h1") == Grant("student", (DEFAULT_COURSE,))
            assert opened.grant_of("h2") is None  # still revoked
            listed = opened.keys()
            assert [k.courses for k in listed[:2]] == [(DEFAULT_COURSE,), (DEFAULT_COURSE,)]
            opened.add_key(f"new-{n}", "student", f"h-new-{n}", 3.0, ("bio",))
            assert opened.grant_of(f"h-new-{n}") == Grant("student", ("bio",))
        finally:
            opened.close()


def test_a_redis_key_from_before_courses_reads_as_the_default_courses(redis_url: str) -> None:
    store = RedisStateStore(redis_url)
    c = client()
    try:
        # as the store wrote a key before courses existed
        c.hset(store.prefix + "keys", "moodle", json.dumps({"role": "student", "created_at": 1.0}))
        c.hset(store.prefix + "key-hashes", "h1", "moodle")
        assert store.grant_of("h1") == Grant("student", (DEFAULT_COURSE,))
        assert store.role_of("h1") == "student"
        assert store.keys() == [ApiKey("moodle", "student", 1.0, courses=(DEFAULT_COURSE,))]
    finally:
        c.close()
        store.close()


NEW_CALLS: dict[str, Callable[[StateStore], object]] = {
    "grant_of": lambda s: s.grant_of("h"),
    "add_course": lambda s: s.add_course(CourseInfo("bio", "Biology", 1.0)),
    "remove_course": lambda s: s.remove_course("bio"),
    "courses": lambda s: s.courses(),
    "course_info": lambda s: s.course_info("bio"),
}


@pytest.mark.parametrize("call", NEW_CALLS.values(), ids=NEW_CALLS.keys())
def test_course_calls_on_an_unreachable_redis_are_unavailable(
    call: Callable[[StateStore], object],
) -> None:
    store = RedisStateStore(UNREACHABLE)
    started = time.monotonic()
    try:
        with pytest.raises(Unavailable, match="unreachable"):
            call(store)
    finally:
        store.close()
    assert time.monotonic() - started < 3.0


@pytest.mark.parametrize("call", NEW_CALLS.values(), ids=NEW_CALLS.keys())
def test_course_calls_on_an_unreachable_sqlite_file_are_unavailable(
    tmp_path: Path, call: Callable[[StateStore], object]
) -> None:
    blocker = tmp_path / "mnt"
    blocker.write_text("not a folder")
    store = SQLiteStateStore(blocker / "state.sqlite3")
    with pytest.raises(Unavailable, match=r"state\.sqlite3"):
        call(store)


# A course's own store


def test_a_course_store_url_per_backend(tmp_path: Path) -> None:
    folder = tmp_path / "courses" / "bio"
    assert course_store_url("memory:", "bio", folder) == "memory:"
    campus = sqlite_url(tmp_path / "state.sqlite3")
    assert course_store_url(campus, "bio", folder) == sqlite_url(folder / "state.sqlite3")
    assert split_url(course_store_url("redis://h:6379/0", "bio", folder)) == (
        "redis://h:6379/0",
        "tutor:c:bio:",
    )
    url = course_store_url(
        "rediss://u:pw@h:6380/2?prefix=x:&health_check_interval=5", "bio", folder
    )
    assert split_url(url) == ("rediss://u:pw@h:6380/2?health_check_interval=5", "x:c:bio:")
    for bad in ("Bio", "a:b", "../up", "", "x" * 65):
        with pytest.raises(InvalidInput):
            course_store_url(campus, bad, folder)


@pytest.mark.parametrize("kind", ["memory", "sqlite", "redis"])
def test_course_stores_keep_apart_from_the_campus_and_each_other(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    campus_url = {
        "memory": "memory:",
        "sqlite": sqlite_url(tmp_path / "state.sqlite3"),
        "redis": request.getfixturevalue("redis_url") if kind == "redis" else "",
    }[kind]
    folders = {c: tmp_path / "courses" / c for c in ("bio", "chem")}
    campus = stores.open_store(campus_url)
    bio, chem = (
        stores.open_store(course_store_url(campus_url, c, folders[c])) for c in ("bio", "chem")
    )
    try:
        campus.append_turn("s1", make_turn(0, tag="campus-"))
        bio.append_turn("s1", make_turn(0, tag="bio-"))
        chem.append_turn("s1", make_turn(0, tag="chem-"))
        assert [t.question for t in campus.history("s1")] == ["campus-question 0"]
        assert [t.question for t in bio.history("s1")] == ["bio-question 0"]
        assert [t.question for t in chem.history("s1")] == ["chem-question 0"]

        drop_course_store(campus_url, "bio", folders["bio"])
        if kind != "memory":  # a memory store goes with its object
            again = stores.open_store(course_store_url(campus_url, "bio", folders["bio"]))
            assert again.history("s1") == []
            again.close()
        assert [t.question for t in campus.history("s1")] == ["campus-question 0"]
        assert [t.question for t in chem.history("s1")] == ["chem-question 0"]
    finally:
        for s in (campus, bio, chem):
            s.close()
    if kind == "memory":
        assert isinstance(bio, MemoryStateStore) and bio is not chem


def test_dropping_a_redis_course_takes_its_keys_only(redis_url: str) -> None:
    """SCAN matches a glob: neither a longer course id's keys nor, under a campus prefix
    holding a glob character, another prefix's keys go with a dropped course."""
    with fresh_prefix() as prefix:
        ours = with_prefix(REDIS_URL, prefix + "p*:")
        lookalike = with_prefix(REDIS_URL, prefix + "pX:")  # what "p*" would match unescaped
        folder = Path("unused")
        stores = [
            RedisStateStore(course_store_url(url, course_id, folder))
            for url, course_id in ((ours, "bio"), (ours, "bio-2"), (lookalike, "bio"))
        ]
        try:
            for s in stores:
                s.set_link("k", "x", "v")
            drop_course_store(ours, "bio", folder)
            assert keys_under(prefix) == [
                f"{prefix}p*:c:bio-2:links:k",
                f"{prefix}pX:c:bio:links:k",
            ]
        finally:
            for s in stores:
                s.close()
