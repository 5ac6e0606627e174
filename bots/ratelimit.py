"""Rate limiting: a token bucket per caller, and the ASGI middleware that applies it to /v1/.

Who a caller is: the SHA-256 of the `X-API-Key` header when one is sent (an LMS's key covers
all its students, wherever they are), else the client address uvicorn reports (behind a reverse
proxy on 127.0.0.1 that is its X-Forwarded-For, which uvicorn trusts by default). A caller
sending made-up keys gets 401s, which cost little, so keying buckets by whatever key is sent
gives away nothing an address limit would protect. The Telegram adapter uses the same
`RateLimiter`, keyed by the Telegram user id.

Memory stays bounded: a bucket idle long enough to have refilled is the same as a new one and is
dropped; past `max_keys` buckets the least recently used goes first.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from .asgi import ASGIApp, Receive, Scope, Send, send_problem


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int = 0  # whole seconds until one request is allowed again (0 when allowed)
    first_refusal: bool = False  # the first refusal since the caller was last allowed


@dataclass
class _Bucket:
    tokens: float
    at: float
    refused: bool = False


class RateLimiter:
    """`per_minute` requests a minute per key, with bursts of up to `burst`; 0 turns it off."""

    def __init__(
        self,
        per_minute: int,
        burst: int,
        *,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ):
        if per_minute < 0:
            raise ValueError(f"per_minute must be 0 (off) or more, got {per_minute}")
        if burst < 1:
            raise ValueError(f"burst must be at least 1, got {burst}")
        if max_keys < 1:
            raise ValueError(f"max_keys must be at least 1, got {max_keys}")
        self.per_minute = per_minute
        self.burst = burst
        self.max_keys = max_keys
        self.clock = clock
        self._rate = per_minute / 60.0  # tokens per second
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()  # least recently used first
        self._lock = threading.Lock()  # the Telegram bot and the API may share one process

    @property
    def enabled(self) -> bool:
        return self.per_minute > 0

    def __len__(self) -> int:
        return len(self._buckets)

    def hit(self, key: str) -> Decision:
        """Take one token from `key`'s bucket, or say how long to wait for one."""
        if not self.enabled:
            return Decision(True)
        with self._lock:
            now = self.clock()
            bucket = self._buckets.pop(key, None)
            if bucket is None:
                bucket = _Bucket(float(self.burst), now)
            else:
                elapsed = max(0.0, now - bucket.at)
                bucket.tokens = min(float(self.burst), bucket.tokens + elapsed * self._rate)
                bucket.at = now
            self._buckets[key] = bucket
            self._evict(now)
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                bucket.refused = False
                return Decision(True)
            first = not bucket.refused
            bucket.refused = True
            wait = max(1, math.ceil((1.0 - bucket.tokens) / self._rate))
            return Decision(False, wait, first)

    def _evict(self, now: float) -> None:
        refill = self.burst / self._rate
        while self._buckets:
            key, oldest = next(iter(self._buckets.items()))
            if len(self._buckets) > self.max_keys or now - oldest.at >= refill:
                del self._buckets[key]
            else:
                break


def caller_of(scope: Scope) -> str:
    """The bucket key of an HTTP request: its API key's hash, else its client address."""
    for name, value in scope.get("headers", ()):
        if name == b"x-api-key" and value.strip():
            return "key:" + hashlib.sha256(value.strip()).hexdigest()[:32]
    client = scope.get("client")
    return "ip:" + (str(client[0]) if client else "unknown")


class RateLimitMiddleware:
    """429 with Retry-After for a caller past its limit, on paths under `prefix`."""

    def __init__(self, app: ASGIApp, limiter: RateLimiter, prefix: str = "/v1/"):
        self.app = app
        self.limiter = limiter
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and self.limiter.enabled
            and scope.get("method") != "OPTIONS"  # CORS preflights carry no key and cost nothing
            and str(scope.get("path", "")).startswith(self.prefix)
        ):
            decision = self.limiter.hit(caller_of(scope))
            if not decision.allowed:
                await send_problem(
                    send,
                    429,
                    f"too many requests: at most {self.limiter.per_minute} a minute "
                    f"(bursts of {self.limiter.burst}); retry in {decision.retry_after} s",
                    {"Retry-After": str(decision.retry_after)},
                )
                return
        await self.app(scope, receive, send)
