"""Rate limits' token buckets in this process: for the memory and SQLite stores, which serve
one process (a shared store keeps them itself: `redis/buckets.py`).

Memory stays bounded: a bucket idle long enough to have refilled is the same as a new one and is
dropped; past `max_keys` buckets the least recently used goes first.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from ..domain import RateDecision


def refused(tokens: float, rate: float, first: bool) -> RateDecision:
    """A refusal, with the whole seconds until the bucket holds a token (never 0)."""
    return RateDecision(False, max(1, math.ceil((1.0 - tokens) / rate)), first)


@dataclass
class _Bucket:
    tokens: float
    at: float
    refused: bool = False


class MemoryBuckets:
    """Token buckets in a dictionary, least recently used first."""

    shared = False

    def __init__(self, max_keys: int = 10_000, clock: Callable[[], float] = time.monotonic):
        if max_keys < 1:
            raise ValueError(f"max_keys must be at least 1, got {max_keys}")
        self.max_keys = max_keys
        self.clock = clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()  # the Telegram bot and the API may share one process

    def __len__(self) -> int:
        return len(self._buckets)

    def take(self, key: str, rate: float, burst: int) -> RateDecision:
        with self._lock:
            now = self.clock()
            bucket = self._buckets.pop(key, None)
            if bucket is None:
                bucket = _Bucket(float(burst), now)
            else:
                elapsed = max(0.0, now - bucket.at)
                bucket.tokens = min(float(burst), bucket.tokens + elapsed * rate)
                bucket.at = now
            self._buckets[key] = bucket
            self._evict(now, burst / rate)
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                bucket.refused = False
                return RateDecision(True)
            first = not bucket.refused
            bucket.refused = True
            return refused(bucket.tokens, rate, first)

    def _evict(self, now: float, refill: float) -> None:
        while self._buckets:
            key, oldest = next(iter(self._buckets.items()))
            if len(self._buckets) > self.max_keys or now - oldest.at >= refill:
                del self._buckets[key]
            else:
                break

    def close(self) -> None:
        pass
