"""An in-memory state store for unit tests and throwaway runs."""

from __future__ import annotations

import threading

from ..domain import Turn


class MemoryStateStore:
    """Keeps everything in dictionaries; lost when the process ends."""

    def __init__(self) -> None:
        self._turns: dict[str, list[Turn]] = {}
        self._lock = threading.Lock()

    def history(self, session_id: str, limit: int = 5) -> list[Turn]:
        with self._lock:
            return list(self._turns.get(session_id, [])[-limit:]) if limit > 0 else []

    def append_turn(self, session_id: str, turn: Turn) -> None:
        with self._lock:
            self._turns.setdefault(session_id, []).append(turn)

    def close(self) -> None:
        pass
