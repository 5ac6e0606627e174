"""Context vectors: a sentence's vector leaning toward its section title and the sentence
before it, so "Its length was 4.5 thousand km" is found by a question about the pipeline
named one sentence earlier.

They are composed from vectors the build has anyway, not embedded as longer texts: MiniLM
pools its token vectors by averaging, so a weighted sum of the parts' vectors points close
to the vector of their concatenation (cosine 0.90 on average over the seed course), and it
halves the model time of a build. The weights were fixed before scoring: the sentence
counts most, the sentence before it less, the title least. On the development set the
answers are the same as with embedded contexts; `README.md` gives both sets' figures.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from tutor.domain import Passage

SENTENCE_WEIGHT = 1.0
PREVIOUS_WEIGHT = 0.7
TITLE_WEIGHT = 0.5


def compose_context_vectors(
    passages: Sequence[Passage], sentence_vectors: np.ndarray, title_vectors: dict[str, np.ndarray]
) -> np.ndarray:
    """One L2-normalised row per passage: its sentence, the one before it in the same
    paragraph (if any) and its section title, weighted."""
    out = SENTENCE_WEIGHT * np.asarray(sentence_vectors, dtype=np.float32).copy()
    for i, p in enumerate(passages):
        if i > 0 and passages[i - 1].paragraph == p.paragraph:
            out[i] += PREVIOUS_WEIGHT * sentence_vectors[i - 1]
        title = title_vectors.get(p.section)
        if title is not None:
            out[i] += TITLE_WEIGHT * title
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return np.ascontiguousarray(out / np.maximum(norms, 1e-12), dtype=np.float32)
