"""BM25, the lexical half of retrieval."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tutor.lexical import BM25


def test_document_with_rare_query_term_outranks_one_without() -> None:
    docs = [["pipelin", "oil"], ["harbour", "oil"], ["treati", "oil"]]
    bm25 = BM25(docs)
    scores = bm25.scores(["pipelin", "oil"])
    assert int(np.argmax(scores)) == 0
    assert scores[0] > scores[1] > 0
    assert scores[1] == pytest.approx(scores[2])  # both only share the common term


def test_rare_term_has_higher_idf_than_common_one() -> None:
    bm25 = BM25([["pipelin", "oil"], ["harbour", "oil"], ["treati", "oil"]])
    assert bm25.idf["pipelin"] > bm25.idf["oil"] > 0
    assert "missing" not in bm25.idf


def test_exact_score_for_a_small_corpus() -> None:
    bm25 = BM25([["a", "b"], ["b"]])  # N=2, avg length 1.5
    idf_a = math.log(1 + (2 - 1 + 0.5) / (1 + 0.5))
    assert bm25.idf["a"] == pytest.approx(idf_a)
    norm = 1.2 * (1 - 0.75 + 0.75 * 2 / 1.5)
    expected = idf_a * 1 * (1.2 + 1) / (1 + norm)
    scores = bm25.scores(["a"])
    assert scores[0] == pytest.approx(expected, rel=1e-6)
    assert scores[1] == 0.0


def test_repeated_terms_saturate() -> None:
    # b=0 removes length normalisation so only the term frequency changes
    docs = [["x"] * tf + ["pad"] * (100 - tf) for tf in (1, 2, 10, 100)] + [["other"]]
    bm25 = BM25(docs, k1=1.2, b=0.0)
    s = bm25.scores(["x"])[:4]
    assert s[0] < s[1] < s[2] < s[3]
    ceiling = bm25.idf["x"] * (1.2 + 1)
    assert s[3] < ceiling
    assert s[3] / s[0] < 2.2  # 100 occurrences score far less than 100 times one
    assert (s[1] - s[0]) > (s[2] - s[1]) / 8  # the first repeat adds the most per occurrence


def test_longer_document_scores_lower_for_same_term_frequency() -> None:
    bm25 = BM25([["x", "y"], ["x", "y", "z", "w", "v", "u"]])
    s = bm25.scores(["x"])
    assert s[0] > s[1] > 0


def test_repeated_query_term_counts_once() -> None:
    bm25 = BM25([["x", "y"], ["y"]])
    assert np.array_equal(bm25.scores(["x", "x", "x"]), bm25.scores(["x"]))


def test_unknown_query_terms_score_zero() -> None:
    bm25 = BM25([["x"], ["y"]])
    assert bm25.scores(["nothing"]).tolist() == [0.0, 0.0]
    assert bm25.scores([]).tolist() == [0.0, 0.0]


def test_empty_corpus() -> None:
    bm25 = BM25([])
    assert bm25.size == 0
    scores = bm25.scores(["x"])
    assert scores.shape == (0,)
    assert bm25.idf == {}


def test_corpus_of_empty_documents() -> None:
    bm25 = BM25([[], []])
    assert bm25.scores(["x"]).tolist() == [0.0, 0.0]


@pytest.mark.parametrize(
    ("k1", "b", "shown"),
    [(-1.0, 0.75, "k1=-1.0"), (1.2, 1.5, "b=1.5"), (1.2, -0.1, "b=-0.1")],
)
def test_invalid_parameters_raise_value_error_naming_the_value(
    k1: float, b: float, shown: str
) -> None:
    with pytest.raises(ValueError, match=shown):
        BM25([["x"]], k1=k1, b=b)


def test_boundary_parameters_are_accepted() -> None:
    assert BM25([["x"]], k1=0.0, b=0.0).k1 == 0.0
    assert BM25([["x"]], k1=2.0, b=1.0).b == 1.0


def test_nan_k1_is_rejected() -> None:
    with pytest.raises(ValueError, match="k1=nan"):
        BM25([["x"]], k1=float("nan"))
