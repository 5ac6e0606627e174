"""Fitting the answer policy to one course, from questions made of the course itself.

At index time (and by `tutor calibrate`) the course's synthetic questions (tutor/synthetic.py)
are run through retrieval and composition like a student's, and their evidence signals
recorded. A logistic regression of answerable on the signals is fitted, with each class
weighted equally and the weights pulled towards the reasoned prior of tutor/abstention.py
(PRIOR_PULL), so that a course with few facts cannot drive a weight to an extreme. The policy
keeps the dense weight at 1 (the others are relative to it). Its threshold is the cut that
best separates the synthetic classes (the mean of the shares answered right and refused
right), lowered where needed so that at most MADE_REFUSALS of the made answerable questions
are refused: a student's question repeats fewer of the course's words than a made one and
scores lower, so a cut that refuses many made questions refuses more real ones.

No number here comes from a hand-written question set; `tutor calibrate --set FILE` only
reports how the fitted policy does on one.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from .abstention import PRIOR_THRESHOLD, PRIOR_WEIGHTS, AbstentionPolicy
from .answering import ExtractiveComposer
from .conversation import followup_context, topic_of
from .course import Course
from .embedding import CachingEmbedder
from .evidence import Evidence, measure
from .ports import Embedder
from .ranking_fit import RankingFit, RankingSample, fit_ranking
from .retrieval import Retriever
from .synthetic import SyntheticQuestion, synthetic_questions
from .text import content_words

PRIOR_PULL = 0.01  # L2 pull of the fitted weights towards the prior
PRIOR_SLOPE = 12.0  # the prior's weights as logistic coefficients: score margin x slope
MADE_REFUSALS = 0.05  # share of made answerable questions the threshold may refuse
EMBED_BATCH = 64


@dataclass(frozen=True)
class Sample:
    question: str
    answerable: bool
    kind: str
    evidence: Evidence


@dataclass(frozen=True)
class Calibration:
    policy: AbstentionPolicy
    samples: tuple[Sample, ...]
    ranking: RankingFit | None = None  # the re-ranking weights fitted alongside

    def rates(self, policy: AbstentionPolicy | None = None) -> dict[str, float]:
        """Share answered per kind of synthetic question (answerable kinds should be high)."""
        policy = policy or self.policy
        by_kind: dict[str, list[bool]] = {}
        for s in self.samples:
            by_kind.setdefault(s.kind, []).append(policy.answerable(s.evidence))
        return {k: round(sum(v) / len(v), 3) for k, v in sorted(by_kind.items())}

    def report(self) -> dict[str, object]:
        report: dict[str, object] = {
            "policy": self.policy.to_dict(),
            "questions": dict(Counter(s.kind for s in self.samples)),
            "answered_share": self.rates(),
        }
        if self.ranking is not None:
            report["retrieval"] = self.ranking.report()
        return report


def _prewarm(embedder: Embedder, texts: Iterable[str], vocabulary: set[str]) -> CachingEmbedder:
    """A cache holding every question's vector and its unknown words', embedded in batches,
    so retrieval's one call per question finds them ready."""
    texts = list(dict.fromkeys(texts))
    words = sorted({w for t in texts for w in content_words(t) if w not in vocabulary})
    cache = CachingEmbedder(embedder, capacity=max(1, len(texts) + len(words)))
    for batch in (texts, words):
        for i in range(0, len(batch), EMBED_BATCH):
            cache.embed(batch[i : i + EMBED_BATCH])
    return cache


def observe(
    retriever: Retriever, course: Course, questions: Sequence[SyntheticQuestion]
) -> list[Sample]:
    """Each made question with the evidence the tutor would see for it."""
    composer = ExtractiveComposer(course)
    samples = []
    for q in questions:
        retrieval = retriever.retrieve(q.text)
        composed = composer.compose(retrieval)
        samples.append(
            Sample(q.text, q.answerable, q.kind, measure(retrieval, composed, retriever))
        )
    return samples


def ranking_samples(
    retriever: Retriever, questions: Iterable[SyntheticQuestion]
) -> list[RankingSample]:
    """The candidates of each made answerable question, with the row of its source sentence
    (questions whose source is no candidate are left out: no weights would find it)."""
    out = []
    for q in questions:
        if not q.answerable or q.passage_id is None:
            continue
        found = retriever.candidates(q.text)
        if q.passage_id in found.ids:
            out.append(RankingSample(found.features, found.ids.index(q.passage_id)))
    return out


def _logistic(x: np.ndarray, y: np.ndarray, prior: np.ndarray) -> np.ndarray:
    """Coefficients (bias last) of a class-balanced logistic regression pulled to `prior`."""
    n, d = x.shape
    design = np.hstack([x, np.ones((n, 1))])
    pos = y.sum()
    weight = np.where(y == 1, 0.5 / max(pos, 1), 0.5 / max(n - pos, 1))
    beta = prior.copy()
    pull = np.full(d + 1, PRIOR_PULL)
    pull[-1] = 0.0  # the bias is free: the threshold is the course's own
    for _ in range(50):
        z = np.clip(design @ beta, -30, 30)
        p = 1.0 / (1.0 + np.exp(-z))
        grad = design.T @ (weight * (p - y)) + 2 * pull * (beta - prior)
        hess = (design * (weight * p * (1 - p))[:, None]).T @ design + np.diag(2 * pull + 1e-9)
        step = np.linalg.solve(hess, grad)
        beta -= step
        if float(np.abs(step).max()) < 1e-6:
            break
    return beta


def _threshold(scores: np.ndarray, y: np.ndarray) -> float:
    """The cut with the best mean of the answered-right and refused-right rates."""
    order = np.unique(scores)
    cuts = np.concatenate([[order[0] - 1e-6], (order[1:] + order[:-1]) / 2, [order[-1] + 1e-6]])
    pos, neg = scores[y == 1], scores[y == 0]
    best, best_cut = -1.0, float(cuts[0])
    for cut in cuts:
        balanced = float((pos >= cut).mean() + (neg < cut).mean()) / 2
        if balanced > best + 1e-12:
            best, best_cut = balanced, float(cut)
    return best_cut


def fit(samples: Sequence[Sample]) -> Calibration:
    """The course's policy from its synthetic samples (see the module docstring)."""
    # A made question whose answer lacks the very kind it asks for is malformed (a fact of
    # the wrong type, "Where the signature is that of…?"): it would teach the fit nothing true.
    samples = [s for s in samples if not (s.answerable and s.evidence.untyped >= 1.0)]
    y = np.array([1.0 if s.answerable else 0.0 for s in samples])
    if y.sum() < 5 or (1 - y).sum() < 5:
        return Calibration(AbstentionPolicy(fitted_on="prior: too few questions"), tuple(samples))
    x = np.array([s.evidence.vector() for s in samples], dtype=np.float64)
    prior = np.array([*(PRIOR_SLOPE * w for w in PRIOR_WEIGHTS), -PRIOR_SLOPE * PRIOR_THRESHOLD])
    beta = _logistic(x, y, prior)
    if beta[0] <= 0 or not np.all(np.isfinite(beta)):
        return Calibration(AbstentionPolicy(fitted_on="prior: fit failed"), tuple(samples))
    weights = beta[:-1] / beta[0]
    scores = x @ weights
    # never refuse more than MADE_REFUSALS of the made answerable questions: a student's
    # question repeats fewer of the course's words and scores lower than a made one
    cut = min(_threshold(scores, y), float(np.quantile(scores[y == 1], MADE_REFUSALS)))
    policy = AbstentionPolicy(
        tuple(float(w) for w in weights),
        cut,
        slope=float(min(60.0, max(4.0, beta[0]))),
        fitted_on=f"course: {int(y.sum())} answerable, {int((1 - y).sum())} unanswerable",
    )
    return Calibration(policy, tuple(samples))


def calibrate(course: Course, embedder: Embedder) -> Calibration:
    """The course's re-ranking weights (tutor/ranking_fit.py), then its answer policy fitted
    on the evidence that those weights' retrieval gives."""
    questions = synthetic_questions(course)
    cache = _prewarm(embedder, (q.text for q in questions), set(course.vocabulary))
    retriever = Retriever(course, cache)
    ranking = fit_ranking(ranking_samples(retriever, questions))
    if ranking.fitted:
        retriever = Retriever(course, cache, ranking.weights)
    return replace(fit(observe(retriever, course, questions)), ranking=ranking)


# Measuring a fitted policy on a hand-written set (reports only; nothing is fitted on it)


def observe_set(
    course: Course, embedder: Embedder, question_set: Path
) -> list[tuple[Sample, bool]]:
    """Each question of a JSON-lines set, turn by turn, with its evidence and whether the
    composed answer holds one of its answers."""
    from .domain import Turn

    retriever = Retriever(course, embedder)
    composer = ExtractiveComposer(course)
    out: list[tuple[Sample, bool]] = []
    for line in question_set.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        history: list[Turn] = []
        for turn in item.get("turns", [item]):
            question = turn["question"]
            followup = followup_context(question, history)
            retrieval = retriever.retrieve(question, followup)
            composed = composer.compose(retrieval)
            evidence = measure(retrieval, composed, retriever)
            right = any(a.lower() in composed.text.lower() for a in turn.get("answers", []))
            out.append((Sample(question, bool(turn["answerable"]), "set", evidence), right))
            cited = tuple(s.passage.passage_id for s in retrieval.ranked[:1])
            topic = followup.topic if followup else topic_of(question)
            history.append(Turn(question, retrieval.query, composed.text, True, cited, topic))
    return out


def set_figures(policy: AbstentionPolicy, observed: list[tuple[Sample, bool]]) -> dict[str, float]:
    answerable = [(s, ok) for s, ok in observed if s.answerable]
    refused = [s for s, _ in observed if not s.answerable]
    return {
        "answer_acc": _share(policy.answerable(s.evidence) and ok for s, ok in answerable),
        "false_abstain": _share(not policy.answerable(s.evidence) for s, _ in answerable),
        "abstain_acc": _share(not policy.answerable(s.evidence) for s in refused),
    }


def _share(values: Iterable[bool]) -> float:
    items = list(values)
    return round(sum(items) / len(items), 3) if items else math.nan
