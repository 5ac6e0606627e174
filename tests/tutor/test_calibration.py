"""Questions made from a course, and the answer policy and re-ranking fitted on them."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from tests.conftest import make_course, seed_files
from tutor.abstention import PRIOR_WEIGHTS, AbstentionPolicy
from tutor.calibration import MADE_REFUSALS, Sample, calibrate, fit
from tutor.course import Course
from tutor.evidence import Evidence
from tutor.fakes import HashingEmbedder
from tutor.synthetic import synthetic_questions

MADE_KINDS = {"fact", "name-swap", "year-swap", "type-swap", "general"}


@pytest.fixture(scope="module")
def seed() -> Course:
    return make_course(seed_files())


def test_made_questions_come_in_every_kind_and_answerable_ones_know_their_sentence(
    seed: Course,
) -> None:
    made = synthetic_questions(seed)
    kinds = Counter(q.kind for q in made)
    assert set(kinds) == MADE_KINDS
    assert kinds["fact"] >= 50
    for q in made:
        assert q.text.endswith("?")
        assert q.answerable is (q.kind == "fact")
        if q.answerable:
            assert q.passage_id is not None
            assert 0 <= q.passage_id < len(seed.passages)


def test_made_questions_are_the_same_every_time(seed: Course) -> None:
    assert synthetic_questions(seed) == synthetic_questions(seed)


def test_no_question_is_made_from_a_question_or_an_exercise_of_the_course() -> None:
    course = make_course(
        {
            "c.txt": "Moons\n\n"
            "- Describe how Io was found in 1610 by Galileo\n\n"
            "Why was Io found in 1610 by Galileo so late?\n\n"
            "Io was found in 1610 by Galileo in Padua.\n"
        }
    )
    made = [q for q in synthetic_questions(course) if q.passage_id is not None]
    assert made
    assert {q.passage_id for q in made} == {2}  # only the sentence that states something


def sample(answerable: bool, dense: float) -> Sample:
    coverage = 0.8 if answerable else 0.3
    return Sample("q", answerable, "fact", Evidence(dense, coverage, 0.0, 0.0, 0.0))


def test_fit_separates_the_made_classes_and_refuses_few_made_answerable_ones() -> None:
    rng = np.random.default_rng(1)
    samples = [sample(True, float(d)) for d in rng.uniform(0.55, 0.9, 200)]
    samples += [sample(False, float(d)) for d in rng.uniform(0.2, 0.6, 200)]
    policy = fit(samples).policy
    assert policy.weights[0] == 1.0  # the others are relative to the dense weight
    assert policy.fitted_on.startswith("course")
    refused = [not policy.answerable(s.evidence) for s in samples if s.answerable]
    assert sum(refused) / len(refused) <= MADE_REFUSALS
    wrongly = [policy.answerable(s.evidence) for s in samples if not s.answerable]
    assert sum(wrongly) / len(wrongly) < 0.2


def test_too_few_made_questions_keep_the_prior() -> None:
    policy = fit([sample(True, 0.8), sample(False, 0.3)]).policy
    assert policy == AbstentionPolicy()
    assert policy.weights == PRIOR_WEIGHTS
    assert policy.fitted_on.startswith("prior")


def test_calibrating_a_course_reports_the_policy_the_questions_and_the_re_ranking(
    seed: Course,
) -> None:
    fitted = calibrate(seed, HashingEmbedder())
    report = fitted.report()
    assert set(report["questions"]) == MADE_KINDS  # type: ignore[arg-type]
    stored = AbstentionPolicy.from_dict(report["policy"])  # type: ignore[arg-type]
    assert stored.weights == pytest.approx(fitted.policy.weights, abs=1e-6)
    assert stored.threshold == pytest.approx(fitted.policy.threshold, abs=1e-6)
    ranking = report["retrieval"]
    assert isinstance(ranking, dict) and ranking["questions"] >= 50
    assert 0.0 <= ranking["hit1_prior"] <= 1.0
