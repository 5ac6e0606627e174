"""What the core reports for operators to see: a small port, so the core stays free of any
metrics library. An adapter (bots/metrics.py, over prometheus-client) implements it; the
default observer ignores everything.

Calls come from request threads and the embedding workers alike, so an implementation must be
thread-safe and quick: it runs on the answer's path.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class Observer(Protocol):
    def answered(self, channel: str, answerable: bool) -> None:
        """A question got an answer (`answerable`) or a refusal, through `channel`."""
        ...

    def store_failed(self, where: str) -> None:
        """The state store was unavailable; `where` says what became of the call."""
        ...

    def embedded(self, texts: int, waits: Sequence[float], seconds: float) -> None:
        """One model call: `texts` embedded together for `len(waits)` requests, each of which
        waited `waits[i]` seconds in the queue before the call began; the call took
        `seconds`."""
        ...

    def index_built(self, seconds: float) -> None:
        """An index build finished in `seconds`."""
        ...


class NoObserver:
    """Reports to nobody: the default, and what a process without metrics uses."""

    def answered(self, channel: str, answerable: bool) -> None:
        pass

    def store_failed(self, where: str) -> None:
        pass

    def embedded(self, texts: int, waits: Sequence[float], seconds: float) -> None:
        pass

    def index_built(self, seconds: float) -> None:
        pass


NO_OBSERVER: Observer = NoObserver()
