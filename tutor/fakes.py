"""Fakes for the core's seams, for fast unit tests: no model, no FAISS, no files."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from .text import content_stems


class HashingEmbedder:
    """Bag-of-stems vectors hashed into `dim` buckets: texts sharing words are similar."""

    def __init__(self, dim: int = 256):
        if dim < 8:
            raise ValueError(f"dim must be at least 8, got {dim}")
        self._dim = dim
        self.calls = 0

    @property
    def name(self) -> str:
        return f"hashing-{self._dim}"

    @property
    def dim(self) -> int:
        return self._dim

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for term in content_stems(text) or [text.lower()]:
                bucket = int.from_bytes(hashlib.blake2b(term.encode(), digest_size=4).digest())
                out[row, bucket % self._dim] += 1.0
            norm = np.linalg.norm(out[row])
            if norm:
                out[row] /= norm
        return out


class ExactVectorIndex:
    """Brute-force inner-product search with numpy."""

    def __init__(self, vectors: np.ndarray):
        self._vectors = np.ascontiguousarray(vectors, dtype=np.float32)

    @property
    def size(self) -> int:
        return len(self._vectors)

    def search(self, vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        k = max(1, min(k, self.size))
        scores = vectors @ self._vectors.T
        ids = np.argsort(-scores, axis=1)[:, :k]
        return np.take_along_axis(scores, ids, axis=1), ids
