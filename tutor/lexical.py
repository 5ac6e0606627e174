"""BM25 over the course's sentences, the lexical half of hybrid retrieval."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np


class BM25:
    """Okapi BM25 with the usual k1/b; documents are lists of pre-processed terms."""

    def __init__(self, documents: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.75):
        if not (math.isfinite(k1) and k1 >= 0) or not 0 <= b <= 1:
            raise ValueError(f"k1 must be >= 0 and b in [0, 1]; got k1={k1}, b={b}")
        self.k1, self.b = k1, b
        self.size = len(documents)
        self._lengths = np.array([len(d) for d in documents], dtype=np.float32)
        self._avg = float(self._lengths.mean()) if self.size else 0.0
        postings: dict[str, list[tuple[int, int]]] = {}
        for i, doc in enumerate(documents):
            for term, tf in Counter(doc).items():
                postings.setdefault(term, []).append((i, tf))
        self._postings = {
            t: (
                np.array([d for d, _ in p], dtype=np.int64),
                np.array([f for _, f in p], np.float32),
            )
            for t, p in postings.items()
        }
        self.idf = {
            t: math.log(1 + (self.size - len(p) + 0.5) / (len(p) + 0.5))
            for t, p in postings.items()
        }

    def scores(self, query: Sequence[str]) -> np.ndarray:
        """A BM25 score for every document (zeros where no query term occurs)."""
        out = np.zeros(self.size, dtype=np.float32)
        if not self.size:
            return out
        norm = self.k1 * (1 - self.b + self.b * self._lengths / max(self._avg, 1e-9))
        for term in set(query):
            entry = self._postings.get(term)
            if entry is None:
                continue
            ids, tf = entry
            out[ids] += self.idf[term] * tf * (self.k1 + 1) / (tf + norm[ids])
        return out
