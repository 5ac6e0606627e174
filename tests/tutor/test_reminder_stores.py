"""Reminders in every state store (memory, SQLite, Redis): the same contract, and a claim
that exactly one of several racing replicas wins (two store objects over one SQLite file or
one Redis prefix, as two replicas have)."""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path

from tests.tutor import test_state_stores as contract
from tests.tutor.test_state_stores import Opener
from tutor.domain import Reminder
from tutor.ports import StateStore
from tutor.stores.redis import RedisStateStore
from tutor.stores.sqlite import SQLiteStateStore

# the stores of the contract's fixtures: memory, SQLite and Redis (SQLite and Redis: durable)
open_store, store, durable = contract.open_store, contract.store, contract.durable
redis_url = contract.redis_url

EVENING = Reminder("42", "tg-42-a", "18:30", "Europe/Berlin", "22:00-07:00", True, "", 100.0)


def test_a_reminder_is_saved_read_and_replaced(store: StateStore) -> None:
    assert store.reminder("42") is None and store.reminders() == []
    store.save_reminder(EVENING)
    assert store.reminder("42") == EVENING
    later = dataclasses.replace(EVENING, time_of_day="07:15", zone="Asia/Tokyo", quiet_hours="")
    store.save_reminder(later)
    assert store.reminder("42") == later
    assert store.reminders() == [later]


def test_only_enabled_reminders_are_listed(store: StateStore) -> None:
    store.save_reminder(EVENING)
    store.save_reminder(dataclasses.replace(EVENING, chat_id="7", enabled=False))
    assert [r.chat_id for r in store.reminders()] == ["42"]
    assert store.reminder("7") is not None and not store.reminder("7").enabled  # type: ignore[union-attr]


def test_a_claim_is_won_once_a_day_and_becomes_last_sent(store: StateStore) -> None:
    store.save_reminder(EVENING)
    assert store.claim_reminder("42", "2026-05-11")
    assert not store.claim_reminder("42", "2026-05-11")
    assert store.reminder("42").last_sent == "2026-05-11"  # type: ignore[union-attr]
    assert store.claim_reminder("42", "2026-05-12")
    assert store.claim_reminder("7", "2026-05-12")  # another chat's day is its own
    assert store.reminders()[0].last_sent == "2026-05-12"


def test_saving_a_reminder_keeps_its_last_sent_day(store: StateStore) -> None:
    store.save_reminder(EVENING)
    store.claim_reminder("42", "2026-05-11")
    store.save_reminder(dataclasses.replace(EVENING, time_of_day="20:00", last_sent=""))
    kept = store.reminder("42")
    assert kept is not None and (kept.time_of_day, kept.last_sent) == ("20:00", "2026-05-11")


def test_reminders_and_claims_survive_close_and_reopen(durable: Opener) -> None:
    first = durable()
    first.save_reminder(EVENING)
    assert first.claim_reminder("42", "2026-05-11")
    first.close()
    second = durable()
    assert second.reminder("42") == dataclasses.replace(EVENING, last_sent="2026-05-11")
    assert not second.claim_reminder("42", "2026-05-11")


REPLICAS, DAYS = 8, 5


def test_exactly_one_of_racing_replicas_claims_each_day(durable: Opener) -> None:
    """Eight threads, each with its own store object (a replica's), claim the same five days
    at once: every day is won exactly once."""
    stores = [durable() for _ in range(REPLICAS)]
    stores[0].save_reminder(EVENING)
    barrier = threading.Barrier(REPLICAS)
    won: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def replica(s: StateStore) -> None:
        try:
            barrier.wait()
            for d in range(DAYS):
                day = f"2026-05-1{d}"
                if s.claim_reminder("42", day):
                    with lock:
                        won.append(day)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=replica, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert sorted(won) == [f"2026-05-1{d}" for d in range(DAYS)]
    assert stores[-1].reminder("42").last_sent == "2026-05-14"  # type: ignore[union-attr]


def test_sqlite_claims_older_than_a_week_are_dropped(tmp_path: Path) -> None:
    s = SQLiteStateStore(tmp_path / "state.sqlite3")
    s.save_reminder(EVENING)
    for day in ("2026-05-01", "2026-05-05", "2026-05-09"):
        assert s.claim_reminder("42", day)
    rows = s._connection().execute("SELECT day FROM reminder_claims ORDER BY day").fetchall()
    assert [r[0] for r in rows] == ["2026-05-05", "2026-05-09"]
    s.close()


def test_redis_claims_expire_after_a_week(redis_url: str) -> None:
    s = RedisStateStore(redis_url)
    try:
        assert s.claim_reminder("42", "2026-05-11")
        key = s._key("reminder-claim", "42", "2026-05-11")
        ttl = int(s._call("PTTL", key))
        assert 6 * 86_400_000 < ttl <= 7 * 86_400_000
    finally:
        s.close()
