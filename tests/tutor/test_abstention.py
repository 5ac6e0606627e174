"""The abstention policy over evidence signals, on hand-made evidence."""

from __future__ import annotations

import math

import pytest

from tutor.abstention import PRIOR_THRESHOLD, PRIOR_WEIGHTS, AbstentionPolicy
from tutor.evidence import FEATURES, Evidence

# Fixed parameters, so the arithmetic below does not move when the prior changes.
POLICY = AbstentionPolicy(weights=(1.0, 0.5, -0.5, -0.5, -0.3, 0.2), threshold=0.5, slope=12.0)
DEFAULT = AbstentionPolicy()


def ev(
    dense: float,
    coverage: float = 0.0,
    unknown: float = 0.0,
    names: float = 0.0,
    untyped: float = 0.0,
    continues: float = 0.0,
) -> Evidence:
    return Evidence(dense, coverage, unknown, names, untyped, continues)


def test_prior_is_sane() -> None:
    assert DEFAULT.weights == PRIOR_WEIGHTS
    assert DEFAULT.threshold == PRIOR_THRESHOLD
    dense, coverage, unknown, names, untyped, continues = DEFAULT.weights
    assert dense == 1.0 and coverage > 0 and continues > 0
    assert unknown < 0 and names < 0 and untyped < 0
    assert len(DEFAULT.weights) == len(FEATURES)


def test_score_is_the_weighted_sum() -> None:
    assert POLICY.score(ev(0.8)) == pytest.approx(0.8)
    assert POLICY.score(ev(0.8, 0.4, 0.2, 1.0, 1.0)) == pytest.approx(0.8 + 0.2 - 0.1 - 0.5 - 0.3)


def test_answerable_at_and_above_threshold_only() -> None:
    assert POLICY.answerable(ev(0.5)) is True
    assert POLICY.answerable(ev(0.7)) is True
    assert POLICY.answerable(ev(0.49)) is False


def test_confidence_is_the_logistic_of_the_margin() -> None:
    assert POLICY.confidence(ev(0.5)) == pytest.approx(0.5)
    assert POLICY.confidence(ev(0.6)) == pytest.approx(1 / (1 + math.exp(-1.2)))
    values = [POLICY.confidence(ev(d)) for d in (0.1, 0.3, 0.5, 0.7, 0.95)]
    assert values == sorted(values) and len(set(values)) == len(values)


def test_each_missing_signal_lowers_confidence_and_can_refuse() -> None:
    base = ev(0.7)
    for worse in (ev(0.7, unknown=0.6), ev(0.7, names=1.0), ev(0.7, untyped=1.0)):
        assert POLICY.confidence(worse) < POLICY.confidence(base)
    assert POLICY.answerable(base) is True
    assert POLICY.answerable(ev(0.7, names=1.0)) is False  # 0.2 < 0.5
    assert POLICY.answerable(ev(0.7, untyped=1.0)) is False  # 0.4 < 0.5


def test_a_follow_up_that_continues_the_cited_passage_gains() -> None:
    assert POLICY.answerable(ev(0.4)) is False
    assert POLICY.answerable(ev(0.4, continues=1.0)) is True  # 0.6 >= 0.5


def test_extreme_margins_do_not_overflow() -> None:
    steep = AbstentionPolicy(threshold=0.0, slope=1e6)
    assert steep.confidence(ev(-5.0)) == pytest.approx(0.0)
    assert steep.confidence(ev(5.0)) == pytest.approx(1.0)


def test_round_trip_through_a_dict() -> None:
    stored = POLICY.to_dict()
    assert stored["features"] == list(FEATURES)
    back = AbstentionPolicy.from_dict(stored)
    assert back.weights == POLICY.weights and back.threshold == POLICY.threshold


def test_a_missing_or_foreign_stored_policy_gives_the_prior() -> None:
    assert AbstentionPolicy.from_dict(None) == DEFAULT
    assert AbstentionPolicy.from_dict({"features": ["dense"], "weights": [1.0]}) == DEFAULT


def test_weights_must_match_the_signals() -> None:
    with pytest.raises(ValueError, match="weights"):
        AbstentionPolicy(weights=(1.0, 2.0))
