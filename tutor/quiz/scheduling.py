"""Spaced repetition with FSRS: when each quiz item should come back to a learner.

FSRS (the `fsrs` package, the scheduler Anki uses by default since 23.10) models each item
by its stability (the days until the chance of recalling it falls to 90%) and difficulty,
and schedules it when that chance reaches the desired retention (90%). Each answer is rated:

| answer | rating |
| --- | --- |
| wrong | Again |
| right, faster than the learner's usual | Easy |
| right | Good |
| right, slower than the learner's usual | Hard |

"Usual" is the learner's own: the time of an answer is divided by the words the learner had
to read (the question and its options), which makes a long true/false statement and a short
question comparable, and compared with the same pace of the learner's latest right answer
to each other item. Faster than the lower quartile of those paces is fast, slower than the
upper quartile slow: the middle half of a learner's answers is their normal speed, whoever
they are (a slow reader is not always "Hard", a fast one not always "Easy"). Until a
learner has `MIN_PACES` such answers there is no usual, and a right answer is Good; an
answer slower than Tukey's far fence (upper quartile + 1.5 × the interquartile range) says
the learner was interrupted, not slow, and is Good too.

Settings, and why: one learning step of ten minutes (a missed or new item comes back within
the session, as with SM-2 before; a second step would re-ask an item a learner just got
right, since quizzes come one at a time between questions), relearning after ten minutes,
and no fuzzing (the same answers give the same schedule, which tests and learners can rely
on).

Schedules stored by SM-2 (repetitions, interval, easiness) read as FSRS cards due at the
same time (`from_sm2`).
"""

from __future__ import annotations

import functools
import math
import statistics
from datetime import UTC, datetime, timedelta

from fsrs import Card, Rating, Scheduler, State

from ..domain import QuizItem, Review

DAY = 86_400.0
STEP = timedelta(minutes=10)
MIN_PACES = 4  # right answers to other items before a learner's pace means anything
TUKEY_FENCE = 1.5  # interquartile ranges above the upper quartile: an interruption

_STATES = {State.Learning: "learning", State.Review: "review", State.Relearning: "relearning"}
_STATE_OF = {name: state for state, name in _STATES.items()}


@functools.cache
def scheduler() -> Scheduler:
    return Scheduler(learning_steps=(STEP,), relearning_steps=(STEP,), enable_fuzzing=False)


def words_read(item: QuizItem) -> int:
    """What a learner reads to answer: the question and any options."""
    return len(" ".join([item.question, *(item.options or ())]).split())


def rating_for(correct: bool, seconds: float | None, words: int, paces: list[float]) -> Rating:
    """The FSRS rating of one answer (module doc): `seconds` it took (None when unknown),
    `words` read, and `paces` (seconds per word) of the learner's right answers to other
    items."""
    if not correct:
        return Rating.Again
    if seconds is None or seconds <= 0 or len(paces) < MIN_PACES:
        return Rating.Good
    pace = seconds / max(1, words)
    low, _, high = statistics.quantiles(paces, n=4, method="inclusive")
    if pace > high + TUKEY_FENCE * (high - low):
        return Rating.Good  # an interruption, not slowness
    if pace < low:
        return Rating.Easy
    if pace > high:
        return Rating.Hard
    return Rating.Good


def _when(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def _card(review: Review | None) -> Card:
    if review is None:
        return Card(card_id=0)  # an id of our own: the default one sleeps a millisecond
    return Card(
        card_id=0,
        state=_STATE_OF.get(review.state, State.Learning),
        step=review.step,
        stability=review.stability,
        difficulty=review.difficulty,
        due=_when(review.due_at),
        last_review=_when(review.last_review) if review.last_review is not None else None,
    )


def next_review(
    previous: Review | None, rating: Rating, now: float, pace: float | None = None
) -> Review:
    """The schedule after one rated answer at `now`; `pace` (seconds per word) is kept for
    a right answer, the previous one after a wrong answer."""
    card, _ = scheduler().review_card(_card(previous), rating, review_datetime=_when(now))
    if rating is Rating.Again or pace is None:
        pace = previous.pace if previous else None
    return Review(
        due_at=card.due.timestamp(),
        state=_STATES[card.state],
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        last_review=now,
        pace=pace,
    )


def reschedule(
    item: QuizItem,
    correct: bool,
    reviews: dict[str, Review],
    served_at: float | None,
    now: float,
    seconds: float | None = None,
) -> Review:
    """The item's schedule after an answer, given the learner's schedules (`reviews`).

    `seconds` is how long the answer took when the client measured it; otherwise it runs
    from when the item was last shown (or last answered, for a second try) to `now`.
    """
    previous = reviews.get(item.quiz_id)
    if seconds is None and served_at is not None:
        start = max(served_at, previous.last_review or 0.0) if previous else served_at
        seconds = now - start if now > start else None
    words = max(1, words_read(item))
    paces = [r.pace for q, r in reviews.items() if q != item.quiz_id and r.pace is not None]
    rating = rating_for(correct, seconds, words, paces)
    pace = seconds / words if correct and seconds else None
    return next_review(previous, rating, now, pace)


def from_sm2(repetitions: int, interval_days: float, easiness: float, due_at: float) -> Review:
    """An SM-2 schedule as an FSRS card due at the same time.

    An item last answered wrong (no repetitions) is in its learning step. Otherwise it is a
    card in review whose stability is the SM-2 interval: FSRS schedules a card when its
    recall falls to 90%, which takes `stability` days, so the next interval it computes from
    the card alone is the one SM-2 chose. Its difficulty maps SM-2's easiness linearly:
    2.5 (the start, never missed) to the difficulty FSRS gives a first Good answer, the
    floor of 1.3 (missed again and again) to the hardest, 10.
    """
    if repetitions <= 0:
        return Review(due_at=due_at, state="learning", step=0, last_review=due_at - 600.0)
    w = scheduler().parameters
    good = w[4] - math.exp(w[5] * (Rating.Good - 1)) + 1  # FSRS's first-Good difficulty
    share = (2.5 - min(2.5, max(1.3, easiness))) / (2.5 - 1.3)
    difficulty = min(10.0, max(1.0, good + share * (10.0 - good)))
    stability = max(interval_days, 0.01)
    return Review(
        due_at=due_at,
        state="review",
        step=None,
        stability=stability,
        difficulty=difficulty,
        last_review=due_at - interval_days * DAY,
    )
