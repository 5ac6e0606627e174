"""The fakes the unit tests rely on must behave like the real seams."""

from __future__ import annotations

import numpy as np
import pytest

from tutor.fakes import ExactVectorIndex, HashingEmbedder


def test_hashing_embedder_rows_are_normalised_and_deterministic() -> None:
    embedder = HashingEmbedder()
    vectors = embedder.embed(["The Berlin Wall was erected.", "the berlin walls", "?"])
    assert vectors.shape == (3, 256)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0)
    assert np.array_equal(
        vectors, embedder.embed(["The Berlin Wall was erected.", "the berlin walls", "?"])
    )
    assert float(vectors[0] @ vectors[1]) > 0.7  # shared stems
    assert embedder.calls == 2
    assert embedder.name == "hashing-256"
    assert embedder.dim == 256


def test_hashing_embedder_rejects_tiny_dim() -> None:
    with pytest.raises(ValueError, match="got 4"):
        HashingEmbedder(dim=4)


def test_exact_index_returns_best_first_and_clamps_k() -> None:
    vectors = np.eye(4, dtype=np.float32)
    index = ExactVectorIndex(vectors)
    assert index.size == 4
    query = np.array([[0.1, 0.9, 0.3, 0.0]], dtype=np.float32)
    scores, ids = index.search(query, 10)
    assert ids.tolist() == [[1, 2, 0, 3]]
    assert scores[0].tolist() == pytest.approx([0.9, 0.3, 0.1, 0.0])
    assert index.search(query, 2)[1].tolist() == [[1, 2]]
