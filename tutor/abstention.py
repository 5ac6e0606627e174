"""Deciding whether the course material answers a question at all.

Four signals, combined linearly into an evidence score:
  dense     cosine of the question and the best-ranked sentence (alone or in context)
  unknown   the rarity-weighted share of the question's words that the course never uses
            and has no near-synonym for (see retrieval)
  names     capitalised question words unlike any word of the course ("Brezhnev", "Suez")
  untyped   the question asks for a date, number or name and the answer span has none
The question is answered when the score reaches `threshold`. The weights are set by
reasoning (a dense cosine is the main evidence; an unknown word costs up to half of it, an
unknown name or a missing answer type a fixed amount); the threshold is fitted on the
development set by `tutor calibrate` (see tutor/calibration.py and README). Confidence is
a logistic of the margin.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .retrieval import Retrieval


@dataclass(frozen=True)
class AbstentionPolicy:
    dense_weight: float = 1.0
    unknown_weight: float = 0.5
    name_weight: float = 0.5
    untyped_weight: float = 0.3
    threshold: float = 0.398  # `tutor calibrate --set ../shared/eval/dev.jsonl`
    slope: float = 12.0  # how sharply confidence rises around the threshold

    def score(self, dense: float, unknown_share: float, unknown_names: int, typed: bool) -> float:
        """The evidence score from the four signals (see the module docstring)."""
        return (
            self.dense_weight * dense
            - self.unknown_weight * unknown_share
            - self.name_weight * unknown_names
            - self.untyped_weight * (not typed)
        )

    def evidence(self, retrieval: Retrieval, typed: bool) -> float:
        best = retrieval.best
        if best is None:
            return -1.0
        return self.score(best.dense, retrieval.unknown_share, retrieval.unknown_names, typed)

    def confidence(self, retrieval: Retrieval, typed: bool) -> float:
        margin = self.evidence(retrieval, typed) - self.threshold
        return 1.0 / (1.0 + math.exp(-self.slope * margin))

    def answerable(self, retrieval: Retrieval, typed: bool) -> bool:
        return retrieval.best is not None and self.evidence(retrieval, typed) >= self.threshold
