"""FSRS scheduling: the rating of an answer, the schedule it gives, how the tutor times an
answer, and SM-2 schedules stored before FSRS read on every backend."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import fsrs
import pytest
from fsrs import Rating

from tests.conftest import make_course, seed_files
from tests.redisdb import REDIS_URL, client, fresh_prefix, with_prefix
from tutor.domain import Citation, QuizItem, Review
from tutor.errors import InvalidInput
from tutor.fakes import HashingEmbedder
from tutor.quiz.scheduling import (
    DAY,
    STEP,
    from_sm2,
    next_review,
    rating_for,
    reschedule,
    words_read,
)
from tutor.service import Tutor
from tutor.stores.memory import MemoryStateStore
from tutor.stores.redis import RedisStateStore
from tutor.stores.sqlite import SQLiteStateStore

NOW = 1_800_000_000.0
PACES = [0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2]  # seconds per word; quartiles 0.675, 1.025


def item(quiz_id: str = "q-000000000001", question: str = "In what year was the mill built?"):  # type: ignore[no-untyped-def]
    cite = Citation("doc", "Mills", 0, 30, "The mill was built in 1821.")
    return QuizItem(quiz_id, "short_answer", question, "1821", cite, None, "Mills")


# --- the rating map ------------------------------------------------------------------------


def test_a_wrong_answer_is_again_however_fast() -> None:
    assert rating_for(False, 1.0, 10, PACES) is Rating.Again
    assert rating_for(False, None, 10, []) is Rating.Again


def test_right_answers_are_rated_by_the_learners_own_pace_per_word() -> None:
    words = 10
    assert rating_for(True, 0.5 * words, words, PACES) is Rating.Easy  # below the lower quartile
    assert rating_for(True, 0.8 * words, words, PACES) is Rating.Good  # the middle half
    assert rating_for(True, 1.5 * words, words, PACES) is Rating.Hard  # above the upper quartile
    # the same seconds on an item three times as long is a fast answer
    assert rating_for(True, 1.5 * words, 3 * words, PACES) is Rating.Easy


def test_a_slow_reader_is_not_always_hard_nor_a_fast_one_always_easy() -> None:
    slow = [p * 4 for p in PACES]
    assert rating_for(True, 3.2 * 10, 10, slow) is Rating.Good  # 3.2 s/word: their usual
    fast = [p / 4 for p in PACES]
    assert rating_for(True, 0.2 * 10, 10, fast) is Rating.Good


def test_without_a_usual_pace_or_a_time_a_right_answer_is_good() -> None:
    assert rating_for(True, 0.1, 10, PACES[:3]) is Rating.Good  # three answers: no quartiles
    assert rating_for(True, None, 10, PACES) is Rating.Good
    assert rating_for(True, 0.0, 10, PACES) is Rating.Good


def test_an_answer_beyond_the_far_fence_was_interrupted_not_slow() -> None:
    # fence = 1.025 + 1.5 * (1.025 - 0.675) = 1.55 s/word
    assert rating_for(True, 1.5 * 10, 10, PACES) is Rating.Hard
    assert rating_for(True, 1.6 * 10, 10, PACES) is Rating.Good
    assert rating_for(True, 3600.0, 10, PACES) is Rating.Good


def test_words_read_count_the_options_too() -> None:
    plain = item()
    assert words_read(plain) == 7
    with_options = QuizItem(
        plain.quiz_id, "multiple_choice", plain.question, "1821", plain.citation,
        ("1821", "1822", "1819", "1830"), "Mills",
    )  # fmt: skip
    assert words_read(with_options) == 11


# --- the schedule ----------------------------------------------------------------------------


def test_easy_pushes_an_item_further_than_good_and_hard_less() -> None:
    good = next_review(None, Rating.Good, NOW)
    easy = next_review(None, Rating.Easy, NOW)
    hard = next_review(None, Rating.Hard, NOW)
    again = next_review(None, Rating.Again, NOW)
    assert again.due_at < hard.due_at < good.due_at < easy.due_at
    assert again.due_at == NOW + STEP.total_seconds()
    assert good.due_at >= NOW + DAY
    assert good.last_review == NOW


def test_a_scripted_history_schedules_as_the_fsrs_package_itself() -> None:
    """Our schedule, kept as a `Review` between answers (as the stores keep it), gives the
    same due dates as the fsrs package's own scheduler running on one card, built here with
    its documented arguments rather than through our code."""
    reference = fsrs.Scheduler(
        learning_steps=(timedelta(minutes=10),),
        relearning_steps=(timedelta(minutes=10),),
        enable_fuzzing=False,
    )
    card = fsrs.Card(card_id=1)
    ours: Review | None = None
    now = NOW
    script = [Rating.Good, Rating.Good, Rating.Good, Rating.Again, Rating.Good, Rating.Hard]
    script += [Rating.Easy, Rating.Good, Rating.Again, Rating.Again, Rating.Good, Rating.Easy]
    for rating in script:
        when = datetime.fromtimestamp(now, tz=UTC)
        card, _ = reference.review_card(card, rating, review_datetime=when)
        ours = next_review(ours, rating, now)
        assert ours.due_at == pytest.approx(card.due.timestamp(), abs=1e-3)
        assert (ours.stability, ours.difficulty) == pytest.approx((card.stability, card.difficulty))
        assert ours.state == card.state.name.lower()
        now = ours.due_at  # the learner comes back when it falls due
    assert now - NOW > 30 * DAY  # the history reached long intervals, not only learning steps


def test_the_schedule_is_deterministic() -> None:
    first = next_review(next_review(None, Rating.Good, NOW), Rating.Good, NOW + 3 * DAY)
    second = next_review(next_review(None, Rating.Good, NOW), Rating.Good, NOW + 3 * DAY)
    assert first == second


def test_the_pace_of_a_right_answer_is_kept_and_a_wrong_answer_keeps_the_last_one() -> None:
    right = next_review(None, Rating.Good, NOW, pace=0.7)
    assert right.pace == 0.7
    wrong = next_review(right, Rating.Again, NOW + DAY, pace=0.1)
    assert wrong.pace == 0.7


def test_reschedule_times_an_answer_from_when_the_item_was_shown() -> None:
    q = item()
    others = {f"q-{n:012x}": Review(0.0, pace=p) for n, p in enumerate(PACES, start=2)}
    words = words_read(q)
    quick = reschedule(q, True, others, served_at=NOW - 0.5 * words, now=NOW)
    usual = reschedule(q, True, others, served_at=NOW - 0.8 * words, now=NOW)
    slow = reschedule(q, True, others, served_at=NOW - 1.4 * words, now=NOW)
    assert quick.due_at > usual.due_at > slow.due_at
    assert usual.pace == pytest.approx(0.8)
    # the client's own measure wins over the served time
    measured = reschedule(
        q, True, others, served_at=NOW - 1.4 * words, now=NOW, seconds=0.5 * words
    )
    assert measured.due_at == quick.due_at


def test_a_second_try_is_timed_from_the_first() -> None:
    q = item()
    others = {f"q-{n:012x}": Review(0.0, pace=p) for n, p in enumerate(PACES, start=2)}
    words = words_read(q)
    first = reschedule(q, False, others, served_at=NOW - 100.0, now=NOW)
    second = reschedule(q, True, {**others, q.quiz_id: first}, NOW - 100.0, NOW + 0.8 * words)
    assert second.pace == pytest.approx(0.8)


# --- SM-2 schedules stored before FSRS --------------------------------------------------------


def test_an_sm2_schedule_becomes_an_fsrs_card_due_at_the_same_time() -> None:
    missed = from_sm2(0, 600 / DAY, 2.3, NOW)
    assert missed.due_at == NOW and missed.state == "learning" and missed.stability is None
    known = from_sm2(2, 6.0, 2.6, NOW)
    assert known.due_at == NOW and known.state == "review"
    assert known.stability == 6.0  # FSRS's own interval for it is the SM-2 interval
    assert known.last_review == NOW - 6 * DAY
    hardest = from_sm2(4, 2.0, 1.3, NOW)
    assert hardest.difficulty == 10.0
    assert known.difficulty is not None and known.difficulty < hardest.difficulty  # type: ignore[operator]


def test_a_migrated_card_schedules_on_from_its_sm2_state() -> None:
    known = from_sm2(2, 6.0, 2.5, NOW)
    after = next_review(known, Rating.Good, NOW)  # answered right when due
    assert after.state == "review"
    assert after.due_at - NOW > 6 * DAY  # a right answer on time grows the interval
    missed = next_review(known, Rating.Again, NOW)
    assert missed.state == "relearning" and missed.due_at == NOW + STEP.total_seconds()


SM2_ROW = ("s1", "q-00000000000a", 2, 6.0, 2.5, NOW + 30.0)


def test_sqlite_reads_an_old_sm2_row_and_replaces_it_on_the_next_attempt(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    SQLiteStateStore(path).close()  # the tables, as a database from before FSRS has them
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO reviews (session_id, quiz_id, repetitions, interval_days, easiness, "
            "due_at) VALUES (?, ?, ?, ?, ?, ?)",
            SM2_ROW,
        )
    store = SQLiteStateStore(path)
    migrated = store.reviews("s1")[SM2_ROW[1]]
    assert migrated == from_sm2(2, 6.0, 2.5, NOW + 30.0)
    assert migrated.due_at == NOW + 30.0
    new = next_review(migrated, Rating.Good, NOW + 40.0)
    store.record_attempt("s1", SM2_ROW[1], "1821", True, new, NOW + 40.0)
    assert store.reviews("s1") == {SM2_ROW[1]: new}
    store.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM reviews").fetchone() == (0,)


@pytest.fixture
def redis_store() -> Iterator[tuple[RedisStateStore, str]]:
    with fresh_prefix() as prefix:
        store = RedisStateStore(with_prefix(REDIS_URL, prefix))
        yield store, prefix
        store.close()


def test_redis_reads_an_old_sm2_schedule_and_replaces_it_on_the_next_attempt(
    redis_store: tuple[RedisStateStore, str],
) -> None:
    store, prefix = redis_store
    session, quiz_id, *sm2 = SM2_ROW
    raw = client()
    try:  # the JSON list the store wrote before FSRS
        raw.hset(f"{prefix}reviews:{session}", quiz_id, json.dumps(sm2))
    finally:
        raw.close()
    migrated = store.reviews(session)[quiz_id]
    assert migrated == from_sm2(2, 6.0, 2.5, NOW + 30.0)
    new = next_review(migrated, Rating.Hard, NOW + 40.0)
    store.record_attempt(session, quiz_id, "1821", True, new, NOW + 40.0)
    assert store.reviews(session) == {quiz_id: new}


def test_memory_keeps_the_fsrs_card_as_given() -> None:
    store = MemoryStateStore()
    card = next_review(from_sm2(2, 6.0, 2.5, NOW), Rating.Easy, NOW)
    store.record_attempt("s1", "q-00000000000a", "1821", True, card, NOW)
    assert store.reviews("s1") == {"q-00000000000a": card}


# --- through the tutor ------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
def test_the_tutor_schedules_with_fsrs_and_times_answers_itself(
    backend: str, tmp_path: Path
) -> None:
    embedder = HashingEmbedder()
    store = MemoryStateStore() if backend == "memory" else SQLiteStateStore(tmp_path / "s.db")
    clock = Clock()
    tutor = Tutor(make_course(seed_files(), embedder), embedder, store, clock=clock)
    shown, sid = tutor.quiz("s1")
    clock.now += 20.0
    grade, _ = tutor.answer_quiz(shown.quiz_id, "surely not this", sid)
    assert not grade.correct
    review = tutor.store.reviews(sid)[shown.quiz_id]
    assert review.due_at == clock.now + STEP.total_seconds() and review.state == "learning"
    clock.now = review.due_at + 1
    assert [d.quiz_id for d in tutor.progress(sid).due] == [shown.quiz_id]
    assert tutor.quiz(sid)[0].quiz_id == shown.quiz_id, "a due review comes first"
    clock.now += 5.0
    tutor.answer_quiz(shown.quiz_id, shown.answer, sid)
    review = tutor.store.reviews(sid)[shown.quiz_id]
    assert review.state == "review" and review.due_at >= clock.now + DAY
    assert review.pace == pytest.approx(5.0 / words_read(shown))
    assert tutor.progress(sid).due == ()
    tutor.close()


def test_the_tutor_refuses_a_time_that_is_no_measure() -> None:
    embedder = HashingEmbedder()
    tutor = Tutor(make_course(seed_files(), embedder), embedder, MemoryStateStore())
    shown, sid = tutor.quiz("s1")
    for seconds in (0, -3.0, 90_000.0, True, "fast"):
        with pytest.raises(InvalidInput, match="seconds"):
            tutor.answer_quiz(shown.quiz_id, shown.answer, sid, seconds)  # type: ignore[arg-type]
    grade, _ = tutor.answer_quiz(shown.quiz_id, shown.answer, sid, 4.5)
    assert grade.correct
