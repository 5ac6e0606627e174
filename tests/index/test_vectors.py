"""Unit tests for index.vectors.FaissVectorIndex (real FAISS, small random vectors)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import index.vectors as vectors_module
from index.vectors import EXACT_SEARCH_LIMIT, HNSW_EF_SEARCH, FaissVectorIndex
from tutor.fakes import ExactVectorIndex, HashingEmbedder


def unit_vectors(n: int, dim: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    v = rng.standard_normal((n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def brute_force(base: np.ndarray, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    scores = queries @ base.T
    ids = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    return np.take_along_axis(scores, ids, axis=1), ids


def test_small_index_is_flat_and_exact() -> None:
    base = unit_vectors(300, 32)
    queries = unit_vectors(20, 32, seed=1)
    index = FaissVectorIndex.build(base)
    assert index.kind == "flat"
    assert index.size == 300
    scores, ids = index.search(queries, 5)
    expected_scores, expected_ids = brute_force(base, queries, 5)
    assert ids.shape == scores.shape == (20, 5)
    np.testing.assert_array_equal(ids, expected_ids)
    np.testing.assert_allclose(scores, expected_scores, atol=1e-5)


def test_scores_are_cosines_and_a_vector_finds_itself_first() -> None:
    base = unit_vectors(50, 16)
    scores, ids = FaissVectorIndex.build(base).search(base, 1)
    np.testing.assert_array_equal(ids[:, 0], np.arange(50))
    np.testing.assert_allclose(scores[:, 0], 1.0, atol=1e-5)


def test_one_below_the_real_threshold_is_still_flat() -> None:
    base = np.zeros((EXACT_SEARCH_LIMIT - 1, 4), dtype=np.float32)
    base[:, 0] = 1.0
    base[123, :] = [0.0, 1.0, 0.0, 0.0]
    index = FaissVectorIndex.build(base)
    assert index.kind == "flat"
    assert index.size == EXACT_SEARCH_LIMIT - 1
    _, ids = index.search(np.array([[0.0, 1.0, 0.0, 0.0]], dtype=np.float32), 1)
    assert ids[0, 0] == 123


def test_at_the_threshold_the_index_is_hnsw(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vectors_module, "EXACT_SEARCH_LIMIT", 200)
    assert FaissVectorIndex.build(unit_vectors(199, 16)).kind == "flat"
    hnsw = FaissVectorIndex.build(unit_vectors(200, 16))
    assert hnsw.kind == "hnsw"
    assert hnsw.size == 200


def test_flat_round_trip_gives_the_same_results(tmp_path: Path) -> None:
    base = unit_vectors(120, 24)
    queries = unit_vectors(10, 24, seed=3)
    built = FaissVectorIndex.build(base)
    built.save(tmp_path / "v.faiss")
    assert (tmp_path / "v.faiss").stat().st_size > 120 * 24 * 4
    loaded = FaissVectorIndex.load(tmp_path / "v.faiss")
    assert loaded.kind == "flat"
    assert loaded.size == 120
    s1, i1 = built.search(queries, 7)
    s2, i2 = loaded.search(queries, 7)
    np.testing.assert_array_equal(i1, i2)
    np.testing.assert_array_equal(s1, s2)


def test_hnsw_round_trip_restores_search_depth_and_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(vectors_module, "EXACT_SEARCH_LIMIT", 100)
    base = unit_vectors(400, 16)
    queries = unit_vectors(15, 16, seed=4)
    built = FaissVectorIndex.build(base)
    built.save(tmp_path / "h.faiss")
    loaded = FaissVectorIndex.load(tmp_path / "h.faiss")
    assert loaded.kind == "hnsw"
    assert loaded._index.hnsw.efSearch == HNSW_EF_SEARCH
    s1, i1 = built.search(queries, 5)
    s2, i2 = loaded.search(queries, 5)
    np.testing.assert_array_equal(i1, i2)
    np.testing.assert_allclose(s1, s2, atol=1e-6)
    # on a set this small the graph search is exact
    _, expected = brute_force(base, queries, 5)
    np.testing.assert_array_equal(i2, expected)


def test_hnsw_search_deeper_than_ef_search_returns_k_results(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(vectors_module, "EXACT_SEARCH_LIMIT", 100)
    base = unit_vectors(300, 8)
    index = FaissVectorIndex.build(base)
    k = HNSW_EF_SEARCH + 50
    scores, ids = index.search(base[:2], k)
    assert ids.shape == (2, k)
    assert (ids >= 0).all()
    assert all(len(set(row)) == k for row in ids.tolist())
    assert (np.diff(scores, axis=1) <= 1e-6).all()


def test_search_with_k_larger_than_the_size_returns_every_vector_ranked() -> None:
    base = unit_vectors(6, 8)
    query = unit_vectors(1, 8, seed=9)
    scores, ids = FaissVectorIndex.build(base).search(query, 50)
    assert ids.shape == scores.shape == (1, 6)
    assert sorted(ids[0].tolist()) == list(range(6))
    expected_scores, expected_ids = brute_force(base, query, 6)
    np.testing.assert_array_equal(ids, expected_ids)
    np.testing.assert_allclose(scores, expected_scores, atol=1e-5)


def test_search_with_k_zero_still_returns_the_best_match() -> None:
    base = unit_vectors(10, 8)
    _, ids = FaissVectorIndex.build(base).search(base[3:4], 0)
    assert ids.shape == (1, 1)
    assert ids[0, 0] == 3


def test_float64_and_non_contiguous_input_is_accepted() -> None:
    base64 = unit_vectors(40, 8).astype(np.float64)
    index = FaissVectorIndex.build(np.asfortranarray(base64))
    assert index.size == 40
    queries = np.asfortranarray(base64[::4])  # float64, strided
    _, ids = index.search(queries, 1)
    np.testing.assert_array_equal(ids[:, 0], np.arange(0, 40, 4))


def test_faiss_index_agrees_with_the_exact_fake_on_embedded_text() -> None:
    embedder = HashingEmbedder(64)
    sentences = [
        "The Berlin Wall was erected in 1961.",
        "Khrushchev visited America in 1959.",
        "The Caribbean crisis broke out in 1962.",
        "The Warsaw Pact was formed in 1955.",
    ]
    base = embedder.embed(sentences)
    query = embedder.embed(["When was the Berlin Wall erected?"])
    faiss_scores, faiss_ids = FaissVectorIndex.build(base).search(query, 4)
    fake_scores, fake_ids = ExactVectorIndex(base).search(query, 4)
    assert faiss_ids[0, 0] == fake_ids[0, 0] == 0
    assert faiss_scores[0, 0] > 0.3
    # the other sentences share no word with the query, so they tie at 0 in any order
    np.testing.assert_allclose(faiss_scores, fake_scores, atol=1e-5)
    assert sorted(faiss_ids[0].tolist()) == [0, 1, 2, 3]
