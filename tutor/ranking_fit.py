"""Fitting the re-ranking weights to one course, from questions made of the course itself.

Each made answerable question (tutor/synthetic.py) knows the sentence it was made from. Its
candidates' feature rows (retrieval.RANKING_FEATURES) are scored by the weights, and a
conditional logit, a softmax over one question's candidates, is fitted so that the source
sentence scores highest. The weights stay non-negative (every feature is evidence for a
sentence) and are pulled towards the reasoned prior (RetrievalWeights()), then rescaled to the
prior's total so that scores keep their range: the composer compares them by ratio.

The fitted weights serve only if they earn it. In two-fold cross-validation over the made
questions, weights fitted on one half rank the other half; on the questions where exactly one
of the fitted weights and the prior puts the source sentence first, the fitted ones must win
significantly more often (one-sided sign test, p < SIGNIFICANCE). Otherwise the prior serves:
made questions repeat their sentence's words more than a student's do, so a small gain on
them need not carry over (on the dev courses a fit adopted on a +2-point cross-validated gain
lost 5 points of first-citation hits on one of them). The follow-up weights
(proximity, repeat) keep the prior: no made question is a follow-up.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .retrieval import RANKING_FEATURES, RetrievalWeights

RANK_PULL = 0.02  # L2 pull of the weights (relative to the prior's) towards the prior
STEPS = 400
LEARNING_RATE = 0.05
MIN_QUESTIONS = 20  # made questions whose source is a candidate, below which the prior serves
SIGNIFICANCE = 0.05


@dataclass(frozen=True)
class RankingSample:
    """One made question: its candidates' feature rows and which row is its source."""

    features: np.ndarray  # candidates x RANKING_FEATURES
    source: int


@dataclass(frozen=True)
class RankingFit:
    weights: RetrievalWeights
    fitted: bool
    hit1_prior: float  # share of made questions whose source ranks first, prior weights
    hit1_fitted: float  # … with the weights fitted on the other half (cross-validated)
    questions: int

    def report(self) -> dict[str, object]:
        w = self.weights.vector()
        return {
            "features": list(RANKING_FEATURES),
            "weights": [round(float(x), 6) for x in w],
            "fitted": self.fitted,
            "hit1_prior": round(self.hit1_prior, 3),
            "hit1_fitted": round(self.hit1_fitted, 3),
            "questions": self.questions,
        }


def weights_from(raw: object) -> RetrievalWeights:
    """Stored weights, or the prior when there are none or they name other features."""
    prior = RetrievalWeights()
    if not isinstance(raw, dict) or list(raw.get("features", [])) != list(RANKING_FEATURES):
        return prior
    values = [float(x) for x in raw["weights"]]
    return prior.ranking(values) if len(values) == len(RANKING_FEATURES) else prior


def _padded(samples: Sequence[RankingSample]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    width = max(len(s.features) for s in samples)
    x = np.zeros((len(samples), width, len(RANKING_FEATURES)))
    mask = np.zeros((len(samples), width), dtype=bool)
    for i, s in enumerate(samples):
        x[i, : len(s.features)] = s.features
        mask[i, : len(s.features)] = True
    return x, mask, np.array([s.source for s in samples])


def _firsts(samples: Sequence[RankingSample], w: np.ndarray) -> np.ndarray:
    """For each question, whether its source sentence ranks first."""
    if not samples:
        return np.zeros(0, dtype=bool)
    x, mask, source = _padded(samples)
    scores = np.where(mask, x @ w, -np.inf)
    return np.asarray(scores.argmax(axis=1) == source)


def _hit1(samples: Sequence[RankingSample], w: np.ndarray) -> float:
    firsts = _firsts(samples, w)
    return float(firsts.mean()) if len(firsts) else 0.0


def sign_test(wins: int, losses: int) -> float:
    """One-sided p-value of at least `wins` of `wins + losses` fair coin tosses."""
    n = wins + losses
    if n == 0:
        return 1.0
    return sum(math.comb(n, k) for k in range(wins, n + 1)) / 2**n


def _log_likelihood(x: np.ndarray, mask: np.ndarray, source: np.ndarray, v: np.ndarray) -> float:
    scores = np.where(mask, x @ v, -np.inf)
    top = scores.max(axis=1, keepdims=True)
    log_z = top[:, 0] + np.log(np.exp(scores - top).sum(axis=1))
    return float((scores[np.arange(len(source)), source] - log_z).mean())


def _fit(samples: Sequence[RankingSample], prior: np.ndarray) -> np.ndarray:
    """Non-negative weights, at the prior's total, that rank the sources first (see above)."""
    x, mask, source = _padded(samples)
    rows = np.arange(len(source))
    # the logit's scale: the multiple of the prior that explains the data best
    scales = np.geomspace(1.0, 300.0, 48)
    scale = max(scales, key=lambda c: _log_likelihood(x, mask, source, c * prior))
    target = scale * prior
    v = target.copy()
    moment, second = np.zeros_like(v), np.zeros_like(v)
    for step in range(1, STEPS + 1):
        scores = np.where(mask, x @ v, -np.inf)
        p = np.exp(scores - scores.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        expected = (p[..., None] * x).sum(axis=1)
        grad = -(x[rows, source] - expected).mean(axis=0)
        grad += 2 * RANK_PULL * (v - target) / scale  # the pull on v / scale, in v's units
        moment = 0.9 * moment + 0.1 * grad
        second = 0.999 * second + 0.001 * grad**2
        v -= (
            LEARNING_RATE
            * scale
            * (moment / (1 - 0.9**step))
            / (np.sqrt(second / (1 - 0.999**step)) + 1e-9)
        )
        v = np.maximum(v, 0.0)
    total = v.sum()
    return v / total * prior.sum() if total > 0 else prior.copy()


def fit_ranking(samples: Sequence[RankingSample]) -> RankingFit:
    """The course's re-ranking weights from its made questions (see the module docstring)."""
    prior_weights = RetrievalWeights()
    prior = prior_weights.vector()
    usable = [s for s in samples if 0 <= s.source < len(s.features)]
    if len(usable) < MIN_QUESTIONS:
        hit = _hit1(usable, prior)
        return RankingFit(prior_weights, False, hit, hit, len(usable))
    halves = (usable[0::2], usable[1::2])
    by_prior, by_fit = [], []
    for train, held in (halves, halves[::-1]):
        by_prior.append(_firsts(held, prior))
        by_fit.append(_firsts(held, _fit(train, prior)))
    prior_first, fit_first = np.concatenate(by_prior), np.concatenate(by_fit)
    hit_prior, hit_fitted = float(prior_first.mean()), float(fit_first.mean())
    wins = int((fit_first & ~prior_first).sum())
    losses = int((prior_first & ~fit_first).sum())
    if sign_test(wins, losses) >= SIGNIFICANCE:
        return RankingFit(prior_weights, False, hit_prior, hit_fitted, len(usable))
    fitted = _fit(usable, prior)
    weights = prior_weights.ranking(fitted.tolist())
    return RankingFit(weights, True, hit_prior, hit_fitted, len(usable))
