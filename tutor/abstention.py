"""Deciding whether the course material answers a question at all.

The evidence signals (tutor/evidence.py) are combined linearly:

    score = sum(weight_i * signal_i)        answered when score >= threshold

The weights and the threshold are fitted per course when its index is built, on questions
made from the course itself (tutor/calibration.py); the defaults below are the prior that fit
starts from and is pulled towards, set by reasoning: a dense cosine is the main evidence, the
question's words found near the answer add to it, and words the course never uses, names the
cited paragraph lacks and a missing date or number each cost a fixed share of it, and a
follow-up answered from just after what the last answer cited gains a little. Confidence is a
logistic of the margin.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from .evidence import FEATURES, Evidence

# In FEATURES order. Made questions are never follow-ups, so the fit leaves the last weight
# (a follow-up that continues the cited passage) at this prior.
PRIOR_WEIGHTS = (1.0, 0.3, -0.5, -0.4, -0.3, 0.15)
PRIOR_THRESHOLD = 0.55


@dataclass(frozen=True)
class Decision:
    answerable: bool
    confidence: float  # a logistic of the score's margin over the threshold


@dataclass(frozen=True)
class AbstentionPolicy:
    weights: tuple[float, ...] = PRIOR_WEIGHTS
    threshold: float = PRIOR_THRESHOLD
    slope: float = 12.0  # how sharply confidence rises around the threshold
    fitted_on: str = field(default="prior", compare=False)  # what the numbers come from

    def __post_init__(self) -> None:
        if len(self.weights) != len(FEATURES):
            raise ValueError(f"weights must have {len(FEATURES)} entries: {FEATURES}")

    def score(self, evidence: Evidence) -> float:
        return sum(w * x for w, x in zip(self.weights, evidence.vector(), strict=True))

    def confidence(self, evidence: Evidence) -> float:
        return self.decide(evidence).confidence

    def answerable(self, evidence: Evidence) -> bool:
        return self.score(evidence) >= self.threshold

    def decide(self, evidence: Evidence) -> Decision:
        """Whether to answer and how sure, from one reading of the evidence."""
        margin = self.score(evidence) - self.threshold
        confidence = 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, self.slope * margin))))
        return Decision(margin >= 0, confidence)

    def to_dict(self) -> dict[str, object]:
        return {
            "features": list(FEATURES),
            "weights": [round(w, 6) for w in self.weights],
            "threshold": round(self.threshold, 6),
            "slope": round(self.slope, 6),
            "fitted_on": self.fitted_on,
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, object] | None) -> AbstentionPolicy:
        """A stored policy; the prior when there is none or it names other signals."""
        if not raw or list(raw.get("features", [])) != list(FEATURES):  # type: ignore[call-overload]
            return cls()
        weights = tuple(float(w) for w in raw["weights"])  # type: ignore[attr-defined]
        return cls(
            weights,
            float(raw["threshold"]),  # type: ignore[arg-type]
            float(raw.get("slope", 12.0)),  # type: ignore[arg-type]
            str(raw.get("fitted_on", "course")),
        )
