"""Spaced repetition with SM-2: when each quiz item should come back to a learner.

A right answer pushes the item out (1 day, then 6, then the interval times the item's
easiness); a wrong one resets it to come back within minutes, and makes it "harder" so its
intervals grow more slowly afterwards.
"""

from __future__ import annotations

from ..domain import Review

DAY = 86_400.0
RELEARN_SECONDS = 600.0  # a missed item returns after ten minutes
MIN_EASINESS = 1.3


def next_review(previous: Review | None, correct: bool, now: float) -> Review:
    """The schedule after one graded answer (quality 5 when right, 1 when wrong)."""
    prev = previous or Review()
    quality = 5 if correct else 1
    easiness = max(
        MIN_EASINESS, prev.easiness + 0.1 - (5 - quality) * (0.08 + (5 - quality) * 0.02)
    )
    if not correct:
        return Review(0, RELEARN_SECONDS / DAY, easiness, now + RELEARN_SECONDS)
    repetitions = prev.repetitions + 1
    if repetitions == 1:
        interval = 1.0
    elif repetitions == 2:
        interval = 6.0
    else:
        interval = round(prev.interval_days * prev.easiness, 2)
    return Review(repetitions, interval, easiness, now + interval * DAY)
