"""Fitting the re-ranking weights per course: the fit, its significance gate, storage."""

from __future__ import annotations

import numpy as np
import pytest

from tutor.ranking_fit import RankingSample, fit_ranking, sign_test, weights_from
from tutor.retrieval import RANKING_FEATURES, RetrievalWeights

PRIOR = RetrievalWeights()


def made(n: int, lexical_decides: bool, seed: int = 0) -> list[RankingSample]:
    """Questions of 8 candidates each. The source's dense scores are no better than a
    decoy's; when `lexical_decides`, only its lexical score (weighted 0.05 by the prior) and
    coverage tell it apart, so weights that lean on them rank it first more often."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        rows = rng.uniform(0.3, 0.6, size=(8, len(RANKING_FEATURES)))
        rows[:, 4] = 0.0
        rows[:, 5] = 0.0
        source = int(rng.integers(8))
        decoy = (source + 1) % 8
        rows[decoy, :2] = rows[source, :2] + 0.15  # the decoy reads closer to the question
        if lexical_decides:
            rows[source, 2] = 1.0
            rows[decoy, 2] = 0.0
            rows[source, 3] = rows[decoy, 3] + 0.1
        out.append(RankingSample(rows, source))
    return out


def test_weights_that_rank_the_sources_first_are_fitted_and_kept() -> None:
    fit = fit_ranking(made(200, lexical_decides=True))
    assert fit.fitted
    assert fit.hit1_fitted > fit.hit1_prior + 0.2
    w = fit.weights.vector()
    assert w[2] > PRIOR.lexical  # leans on what tells the source apart
    assert np.all(w >= 0)
    assert w.sum() == pytest.approx(PRIOR.vector().sum())  # scores keep their range
    # the follow-up weights are never fitted: no made question is a follow-up
    assert (fit.weights.proximity, fit.weights.repeat) == (PRIOR.proximity, PRIOR.repeat)


def test_no_significant_gain_keeps_the_prior() -> None:
    """Where the prior already ranks nearly every source first, no fit can beat it."""
    samples = made(200, lexical_decides=False)
    prior = PRIOR.vector()
    ranked_first = [RankingSample(s.features, int(np.argmax(s.features @ prior))) for s in samples]
    fit = fit_ranking(ranked_first)
    assert not fit.fitted
    assert fit.weights == PRIOR
    assert fit.hit1_prior == 1.0


def test_too_few_questions_keep_the_prior() -> None:
    fit = fit_ranking(made(10, lexical_decides=True))
    assert not fit.fitted and fit.weights == PRIOR and fit.questions == 10


def test_sign_test() -> None:
    assert sign_test(0, 0) == 1.0
    assert sign_test(5, 0) == pytest.approx(1 / 32)
    assert sign_test(10, 5) > 0.05  # 15 discordant questions, 10 to 5: could be chance
    assert sign_test(20, 5) < 0.01


def test_stored_weights_round_trip_and_foreign_ones_fall_back_to_the_prior() -> None:
    fit = fit_ranking(made(200, lexical_decides=True))
    stored = weights_from(fit.report())
    assert stored.vector() == pytest.approx(fit.weights.vector(), abs=1e-6)
    assert weights_from(None) == PRIOR
    assert weights_from({"features": ["dense"], "weights": [1.0]}) == PRIOR
