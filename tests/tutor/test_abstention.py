"""The abstention policy on hand-made retrievals."""

from __future__ import annotations

import math

import pytest

from tutor.abstention import AbstentionPolicy
from tutor.answer_types import AnswerType
from tutor.domain import Passage
from tutor.retrieval import Retrieval, Scored

PASSAGE = Passage(0, "doc", "Section", 0, 10, "A sentence.", 0, 0)
# Fixed parameters, so the arithmetic below does not move when the defaults are recalibrated.
POLICY = AbstentionPolicy(
    dense_weight=1.0,
    unknown_weight=0.5,
    name_weight=0.5,
    untyped_weight=0.3,
    threshold=0.335,
    slope=12.0,
)
DEFAULT = AbstentionPolicy()


def retrieval(dense: float, unknown_share: float = 0.0, unknown_names: int = 0) -> Retrieval:
    best = Scored(PASSAGE, 0.5, dense, 1.0, 0.5, True)
    return Retrieval("Q?", "Q?", AnswerType.DATE, (best,), unknown_share, unknown_names, dense, 0.5)


EMPTY = Retrieval("Q?", "Q?", AnswerType.NONE, (), 1.0, 0, 0.0, 0.0)


def test_default_policy_is_sane() -> None:
    # the threshold is calibrated on the development set; only its range is fixed here
    assert 0.0 < DEFAULT.threshold < 1.0
    assert DEFAULT.slope > 0
    for weight in (DEFAULT.dense_weight, DEFAULT.unknown_weight, DEFAULT.name_weight):
        assert weight > 0
    assert DEFAULT.untyped_weight >= 0


def test_default_policy_is_one_half_at_its_threshold() -> None:
    at = retrieval(DEFAULT.threshold)
    assert DEFAULT.confidence(at, True) == pytest.approx(0.5)
    assert DEFAULT.answerable(at, True) is True
    assert DEFAULT.answerable(retrieval(DEFAULT.threshold - 0.01), True) is False


def test_evidence_is_the_weighted_sum() -> None:
    assert POLICY.evidence(retrieval(0.8), True) == pytest.approx(0.8)
    assert POLICY.evidence(retrieval(0.8, 0.2, 1), False) == pytest.approx(0.8 - 0.1 - 0.5 - 0.3)


def test_evidence_without_candidates() -> None:
    assert POLICY.evidence(EMPTY, True) == -1.0
    assert POLICY.answerable(EMPTY, True) is False
    assert POLICY.confidence(EMPTY, True) == pytest.approx(1 / (1 + math.exp(12 * 1.335)))


def test_confidence_is_one_half_at_the_threshold() -> None:
    assert POLICY.confidence(retrieval(POLICY.threshold), True) == pytest.approx(0.5)


def test_answerable_at_and_above_threshold_only() -> None:
    assert POLICY.answerable(retrieval(0.335), True) is True
    assert POLICY.answerable(retrieval(0.6), True) is True
    assert POLICY.answerable(retrieval(0.33), True) is False


def test_confidence_rises_with_evidence() -> None:
    values = [POLICY.confidence(retrieval(d), True) for d in (0.1, 0.3, 0.335, 0.4, 0.7, 0.95)]
    assert values == sorted(values)
    assert len(set(values)) == len(values)
    assert values[0] < 0.1
    assert values[-1] > 0.99


def test_confidence_exact_logistic() -> None:
    assert POLICY.confidence(retrieval(0.435), True) == pytest.approx(1 / (1 + math.exp(-1.2)))


def test_unknown_names_lower_confidence_and_refuse() -> None:
    known = retrieval(0.7)
    one_unknown = retrieval(0.7, unknown_names=1)
    assert POLICY.confidence(one_unknown, True) < POLICY.confidence(known, True)
    assert POLICY.answerable(known, True) is True
    assert POLICY.answerable(one_unknown, True) is False
    assert POLICY.evidence(one_unknown, True) == pytest.approx(0.2)


def test_unknown_words_lower_confidence() -> None:
    assert POLICY.confidence(retrieval(0.7, 0.4), True) < POLICY.confidence(retrieval(0.7), True)
    assert POLICY.evidence(retrieval(0.7, 0.4), True) == pytest.approx(0.5)


def test_missing_answer_type_lowers_confidence() -> None:
    r = retrieval(0.6)
    assert POLICY.confidence(r, False) < POLICY.confidence(r, True)
    assert POLICY.answerable(r, True) is True
    assert POLICY.answerable(r, False) is False  # 0.6 - 0.3 < 0.335


def test_custom_policy() -> None:
    lenient = AbstentionPolicy(threshold=0.0, slope=1.0)
    assert lenient.answerable(retrieval(0.1, unknown_share=0.2), True) is True
    assert lenient.confidence(retrieval(0.0), True) == pytest.approx(0.5)
