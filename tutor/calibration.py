"""Fitting the abstention policy on a question set (`tutor calibrate`).

For every question of the set (dialogues turn by turn, in one session each) the tutor's
evidence signals are recorded and scored with the policy's weights. The weights are fixed
by reasoning, not fitted: a dev set of a few dozen questions would let a weight grid
memorise it. Only the threshold is fitted: it is placed `GAP_POSITION` of the way across
the gap between the highest-scoring unanswerable and the lowest-scoring answerable
question, nearer the answerable side, because an invented answer misleads a student while
a refusal only sends them to the sections the reply suggests.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

from .abstention import AbstentionPolicy
from .conversation import followup_context
from .service import Tutor

GAP_POSITION = 0.8


@dataclass(frozen=True)
class Observation:
    question: str
    answerable: bool
    dense: float
    unknown_share: float
    unknown_names: int
    typed: bool


@dataclass(frozen=True)
class Calibration:
    policy: AbstentionPolicy
    lowest_answerable: float
    highest_unanswerable: float
    observations: tuple[Observation, ...]

    @property
    def gap(self) -> float:
        return self.lowest_answerable - self.highest_unanswerable


def observe(tutor: Tutor, question_set: Path) -> list[Observation]:
    """Run every question of a JSON-lines set through the tutor and record its signals."""
    out: list[Observation] = []
    for n, line in enumerate(question_set.read_text(encoding="utf-8").splitlines()):
        if not line.strip():
            continue
        item = json.loads(line)
        session = f"calibrate-{n}"
        for turn in item.get("turns", [item]):
            history = tutor.store.history(session)
            retrieval = tutor.retriever.retrieve(
                turn["question"], followup_context(turn["question"], history)
            )
            composed = tutor.composer.compose(retrieval)
            best = retrieval.best
            out.append(
                Observation(
                    question=turn["question"],
                    answerable=bool(turn["answerable"]),
                    dense=best.dense if best else 0.0,
                    unknown_share=retrieval.unknown_share,
                    unknown_names=retrieval.unknown_names,
                    typed=composed.typed,
                )
            )
            tutor.ask(turn["question"], session)  # so that follow-ups see their history
    return out


def _evidence(policy: AbstentionPolicy, o: Observation) -> float:
    return policy.score(o.dense, o.unknown_share, o.unknown_names, o.typed)


def fit(observations: list[Observation], base: AbstentionPolicy | None = None) -> Calibration:
    """The policy's weights with the threshold placed GAP_POSITION across the gap."""
    policy = base or AbstentionPolicy()
    positives = [_evidence(policy, o) for o in observations if o.answerable]
    negatives = [_evidence(policy, o) for o in observations if not o.answerable]
    if not positives or not negatives:
        raise ValueError("calibration needs both answerable and unanswerable questions")
    low, high = min(positives), max(negatives)
    threshold = round(high + GAP_POSITION * (low - high), 3)
    return Calibration(replace(policy, threshold=threshold), low, high, tuple(observations))
