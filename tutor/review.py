"""Review sessions and what a learner sees of their own progress.

A review runs through the items due now in scheduling order (the earliest due first, as
`POST /v1/quiz` would serve them one by one), each graded and rescheduled as any quiz
answer is; at the end `review_summary` says how it went and when the next review comes.
Items a teacher's correction covers are left out, as quizzes leave them out. The streak is
the number of days in a row, in the learner's zone, with at least one answer, up to today
(or up to yesterday while today has none yet: the streak is not lost before the day is
over). A part of the `Tutor` facade (it mixes this in).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Protocol

from .corrections import corrected, pin_all
from .course import Course
from .domain import QuizItem, ReviewSummary
from .errors import NotFound
from .limits import check_session_id
from .ports import StateStore
from .quiz import QuizBook
from .zones import UTC_ZONE, check_zone, local_date


class Parts(Protocol):
    @property
    def course(self) -> Course: ...

    @property
    def quizzes(self) -> QuizBook: ...

    store: StateStore
    clock: Callable[[], float]


def _due(parts: Parts, session_id: str, now: float | None) -> list[QuizItem]:
    sid = check_session_id(session_id)
    at = parts.clock() if now is None else now
    reviews = parts.store.reviews(sid)
    due = sorted((r.due_at, q) for q, r in reviews.items() if r.due_at <= at)
    pinned = pin_all(parts.course, parts.store.corrections())
    items = [parts.quizzes.get(q) for _, q in due]
    # items of an earlier version of the course are not served again, as with quizzes
    return [i for i in items if i is not None and not corrected(i, pinned)]


class Reviews:
    def due_items(self: Parts, session_id: str, now: float | None = None) -> list[QuizItem]:
        """The learner's items due at `now`, the earliest due first."""
        return _due(self, session_id, now)

    def due_by_section(self: Parts, session_id: str, now: float | None = None) -> dict[str, int]:
        """How many items are due per section, sections in course order (none: {})."""
        counts: dict[str, int] = {}
        for item in _due(self, session_id, now):
            counts[item.citation.section] = counts.get(item.citation.section, 0) + 1
        order = {s: n for n, s in enumerate(self.quizzes.sections())}
        return dict(sorted(counts.items(), key=lambda kv: order.get(kv[0], len(order))))

    def show_item(self: Parts, session_id: str, quiz_id: str) -> QuizItem:
        """Serve a given item of the bank to the learner now (its answer's time runs from
        now), as the next item of a review."""
        sid = check_session_id(session_id)
        item = self.quizzes.get(quiz_id) if isinstance(quiz_id, str) else None
        if item is None:
            raise NotFound(f"no quiz item {quiz_id!r}")
        self.store.save_item(item)
        self.store.mark_served(sid, item.quiz_id, self.clock())
        return item

    def review_summary(
        self: Parts,
        session_id: str,
        quiz_ids: list[str],
        since: float,
        zone: str = UTC_ZONE,
        now: float | None = None,
    ) -> ReviewSummary:
        """How a review of `quiz_ids` begun at `since` went (each item's first answer in it
        counts) and when the next comes: the earliest time an item is due after `now`, with
        how many fall due that day in the learner's `zone`."""
        sid = check_session_id(session_id)
        tz = check_zone(zone)
        at = self.clock() if now is None else now
        wanted = set(quiz_ids)
        first: dict[str, bool] = {}
        for a in self.store.attempts(sid):
            if a.at >= since and a.quiz_id in wanted:
                first.setdefault(a.quiz_id, a.correct)
        coming = sorted(
            r.due_at
            for q, r in self.store.reviews(sid).items()
            if r.due_at > at and self.quizzes.get(q) is not None
        )
        if not coming:
            return ReviewSummary(len(first), sum(first.values()), None, 0)
        day = local_date(coming[0], tz)
        same_day = sum(1 for t in coming if local_date(t, tz) == day)
        return ReviewSummary(len(first), sum(first.values()), coming[0], same_day)

    def streak(self: Parts, session_id: str, zone: str = UTC_ZONE, now: float | None = None) -> int:
        """Days in a row with at least one answer, in the learner's zone (module doc)."""
        sid = check_session_id(session_id)
        tz = check_zone(zone)
        days = {local_date(a.at, tz) for a in self.store.attempts(sid)}
        day = local_date(self.clock() if now is None else now, tz)
        if day not in days:
            day -= timedelta(days=1)
        count = 0
        while day in days:
            count += 1
            day -= timedelta(days=1)
        return count
