"""The seams the core depends on; `index` and the state stores implement them.

Each seam has one required method, so a second implementation (a hashing embedder in tests,
Redis instead of SQLite) is a small class.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from .domain import Turn


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors, one row per text."""

    @property
    def name(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


class VectorIndex(Protocol):
    """Nearest neighbours by inner product over normalised vectors."""

    @property
    def size(self) -> int: ...

    def search(self, vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Return (scores, ids), each of shape (len(vectors), k); missing ids are -1."""
        ...


class StateStore(Protocol):
    """Where conversations (and, later, quiz progress) live."""

    def history(self, session_id: str, limit: int = 5) -> list[Turn]:
        """The last `limit` turns of a session, oldest first (empty for a new session)."""
        ...

    def append_turn(self, session_id: str, turn: Turn) -> None: ...

    def close(self) -> None: ...
