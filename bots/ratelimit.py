"""Rate limiting: a token bucket per caller, and the ASGI middleware that applies it to /v1/.

Who a caller is: the SHA-256 of the `X-API-Key` header when one is sent (an LMS's key covers
all its students, wherever they are), else the client address uvicorn reports (behind a reverse
proxy on 127.0.0.1 that is its X-Forwarded-For, which uvicorn trusts by default). A caller
sending made-up keys gets 401s, which cost little, so keying buckets by whatever key is sent
gives away nothing an address limit would protect. The Telegram adapter uses the same
`RateLimiter`, keyed by the Telegram user id.

The buckets live where the state store says (`tutor.stores.open_buckets`, called by wiring): in
this process for memory and SQLite, in Redis when replicas share it, so a key gets its limit
once however many replicas it reaches.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Callable

from tutor import MemoryBuckets, RateBuckets, RateDecision, Unavailable

from .asgi import ASGIApp, Receive, Scope, Send, send_problem


class RateLimiter:
    """`per_minute` requests a minute per key, with bursts of up to `burst`; 0 turns it off.

    Buckets in this process unless `buckets` are given (shared ones, from wiring).
    """

    def __init__(
        self,
        per_minute: int,
        burst: int,
        *,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
        buckets: RateBuckets | None = None,
    ):
        if per_minute < 0:
            raise ValueError(f"per_minute must be 0 (off) or more, got {per_minute}")
        if burst < 1:
            raise ValueError(f"burst must be at least 1, got {burst}")
        self.per_minute = per_minute
        self.burst = burst
        self.buckets = buckets if buckets is not None else MemoryBuckets(max_keys, clock)
        self._rate = per_minute / 60.0  # tokens per second

    @property
    def enabled(self) -> bool:
        return self.per_minute > 0

    def __len__(self) -> int:
        """Callers tracked in this process (shared buckets are counted by their store)."""
        return len(self.buckets) if isinstance(self.buckets, MemoryBuckets) else 0

    def hit(self, key: str) -> RateDecision:
        """Take one token from `key`'s bucket, or say how long to wait for one."""
        if not self.enabled:
            return RateDecision(True)
        try:
            return self.buckets.take(key, self._rate, self.burst)
        except Unavailable:
            # the shared store is down (it logged why): serve without a limit rather than
            # refuse everyone; the store answers again within a second of being back
            return RateDecision(True)

    async def ahit(self, key: str) -> RateDecision:
        """`hit` from the event loop: a shared bucket's round trip runs on a thread."""
        if self.enabled and self.buckets.shared:
            return await asyncio.to_thread(self.hit, key)
        return self.hit(key)

    def close(self) -> None:
        self.buckets.close()


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
            decision = await self.limiter.ahit(caller_of(scope))
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
