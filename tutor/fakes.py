"""Fakes for the core's seams, for fast unit tests: no model, no FAISS, no files."""

from __future__ import annotations

import hashlib
import threading
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


class GatedEmbedder(HashingEmbedder):
    """Holds its first model call until `release` is set, so the next requests queue behind
    it; records the size of every call (batching tests)."""

    def __init__(self, dim: int = 256):
        super().__init__(dim)
        self.inside = threading.Event()
        self.release = threading.Event()
        self.sizes: list[int] = []
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not self.inside.is_set():
            self.inside.set()
            if not self.release.wait(timeout=10):
                raise TimeoutError("the gate was never released")
        with self._lock:
            self.sizes.append(len(texts))
        return super().embed(texts)


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
