"""What operators ask of a running tutor: readiness checks and a fresh calibration.

A part of the `Tutor` facade (it mixes this in), kept apart because nothing in answering or
quizzes uses it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from .abstention import AbstentionPolicy
from .course import Course
from .errors import Unavailable
from .ports import Embedder, StateStore
from .quiz import QuizBook

PROBE_LINK = ("ops", "readyz")  # the state store key the readiness probe writes and reads back


class Parts(Protocol):
    """What a part of the facade may use of the `Tutor` it is mixed into."""

    @property
    def course(self) -> Course: ...

    @property
    def policy(self) -> AbstentionPolicy: ...

    @property
    def quizzes(self) -> QuizBook: ...

    embedder: Embedder
    store: StateStore


class Operations:
    def check_index(self: Parts) -> None:
        """Raise unless the index holds one vector per sentence (for readiness probes)."""
        course = self.course
        if not course.passages:
            raise Unavailable("the index holds no passages")
        if course.sentence_index.size != len(course.passages):
            raise Unavailable(
                f"the index holds {course.sentence_index.size} vectors "
                f"for {len(course.passages)} passages"
            )

    def check_model(self: Parts) -> None:
        """Raise unless the model embeds a probe into one finite vector."""
        vectors = self.embedder.embed(["readiness probe"])
        if vectors.shape != (1, self.embedder.dim) or not all(map(math.isfinite, vectors[0])):
            raise Unavailable(f"the model returned a {vectors.shape} array, not a unit vector")

    def check_state(self: Parts, stamp: str) -> None:
        """Raise unless a value written to the state store reads back: a read-only or full
        disk still reads, and answers would not be kept."""
        self.store.set_link(*PROBE_LINK, stamp)
        if self.store.link(*PROBE_LINK) is None:
            raise Unavailable("a value written to the state store could not be read back")

    def calibration_report(self: Parts, question_sets: Sequence[Path] = ()) -> dict[str, object]:
        """The course's policy fitted anew on its made questions, with the served one and,
        measured only, how the fit does on hand-written sets (`tutor calibrate`)."""
        from .calibration import calibrate, observe_set, set_figures

        fitted = calibrate(self.course, self.embedder)
        report = fitted.report()
        report["served"] = self.policy.to_dict()
        report["sets"] = {
            str(path): set_figures(fitted.policy, observe_set(self.course, self.embedder, path))
            for path in question_sets
        }
        return report
