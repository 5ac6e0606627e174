"""Rate limits across replicas: the buckets in Redis when the state store is Redis.

The same token-bucket contract runs over the in-process and the Redis buckets; then two real
HTTP servers on one Redis give a key its limit once, not once per server. The Redis cases need
the Redis of `tests/redisdb.py` (a fresh key prefix each, deleted afterwards).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from bots.http_app import create_app
from bots.ratelimit import RateLimiter
from bots.wiring import build_rate_limiter
from tests.redisdb import REDIS_URL, client, fresh_prefix, keys_under, with_prefix
from tests.servers import serve
from tutor.ports import RateBuckets
from tutor.service import Tutor
from tutor.settings import Settings
from tutor.stores.buckets import MemoryBuckets
from tutor.stores.redis import split_url
from tutor.stores.redis.buckets import RedisBuckets

ASK = {"question": "When was the Berlin Wall erected?"}
UNREACHABLE = "redis://127.0.0.1:1/0?prefix=x:"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def redis_url() -> Iterator[str]:
    with fresh_prefix("ratelimit") as prefix:
        yield with_prefix(REDIS_URL, prefix)


@pytest.fixture(params=["memory", "redis"])
def make_buckets(request: pytest.FixtureRequest) -> Iterator[Callable[[Clock], RateBuckets]]:
    """Buckets of either kind on a test clock; Redis ones share one fresh prefix."""
    opened: list[RateBuckets] = []

    def make(clock: Clock) -> RateBuckets:
        if request.param == "memory":
            opened.append(MemoryBuckets(clock=clock))
        else:
            opened.append(RedisBuckets(request.getfixturevalue("redis_url"), "t", clock=clock))
        return opened[-1]

    yield make
    for b in opened:
        b.close()


# ------------------------------------------------------------------- the contract, both kinds


def test_a_burst_then_refusals_then_a_steady_refill(make_buckets: Callable) -> None:
    clock = Clock()
    limiter = RateLimiter(60, 3, buckets=make_buckets(clock))  # one a second, three at once
    assert [limiter.hit("a").allowed for _ in range(4)] == [True, True, True, False]
    clock.now += 0.5
    refused = limiter.hit("a")
    assert not refused.allowed and refused.retry_after == 1 and not refused.first_refusal
    clock.now += 0.5
    assert limiter.hit("a").allowed  # one token back after a second
    second = limiter.hit("a")
    assert not second.allowed and second.first_refusal  # a new burst of refusals
    assert limiter.hit("b").allowed  # callers have their own buckets


def test_retry_after_is_whole_seconds_until_a_token(make_buckets: Callable) -> None:
    clock = Clock()
    limiter = RateLimiter(6, 1, buckets=make_buckets(clock))  # one every ten seconds
    assert limiter.hit("a").allowed
    assert limiter.hit("a").retry_after == 10
    clock.now += 2.5
    assert limiter.hit("a").retry_after == 8
    clock.now += 7.4
    assert limiter.hit("a").retry_after == 1


# --------------------------------------------------------------------------------- Redis only


def test_two_redis_buckets_on_one_prefix_share_the_tokens_exactly(redis_url: str) -> None:
    """Twelve threads on two clients race for five tokens: exactly five win (atomic take)."""
    a, b = RedisBuckets(redis_url, "http"), RedisBuckets(redis_url, "http")
    won: list[bool] = []
    lock = threading.Lock()

    def race(buckets: RedisBuckets) -> None:
        decision = buckets.take("caller", 1 / 60, 5)
        with lock:
            won.append(decision.allowed)

    threads = [threading.Thread(target=race, args=(a if i % 2 else b,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    a.close()
    b.close()
    assert sorted(won) == [False] * 7 + [True] * 5


def test_redis_buckets_stay_under_the_prefix_and_expire_once_full(redis_url: str) -> None:
    buckets = RedisBuckets(redis_url, "telegram")
    try:
        buckets.take("42", 1.0, 3)  # full again after three seconds
        [key] = keys_under(buckets.prefix)
        assert key == buckets.prefix + "rate:telegram:42"
        c = client()
        try:
            assert 2000 < c.pttl(key) <= 3000
        finally:
            c.close()
        other = RedisBuckets(redis_url, "http")  # another limit's buckets are its own
        assert other.take("42", 1 / 60, 1).allowed and not other.take("42", 1 / 60, 1).allowed
        assert buckets.take("42", 1.0, 3).allowed
        other.close()
    finally:
        buckets.close()


def test_an_unreachable_redis_lets_requests_through_fast() -> None:
    limiter = RateLimiter(60, 1, buckets=RedisBuckets(UNREACHABLE, "http"))
    started = time.monotonic()
    try:
        assert all(limiter.hit("a").allowed for _ in range(5))
    finally:
        limiter.close()
    assert time.monotonic() - started < 3.0  # one timeout, then it fails at once


def test_wiring_keeps_the_buckets_in_the_store_only_when_it_is_shared(
    redis_url: str, tmp_path: Path
) -> None:
    shared = build_rate_limiter(Settings(state_url=redis_url), "http")
    assert isinstance(shared.buckets, RedisBuckets) and shared.buckets.shared
    assert shared.buckets.prefix == split_url(redis_url)[1]
    shared.close()
    for url in ("memory:", f"sqlite:///{tmp_path}/state.sqlite3", None):
        local = build_rate_limiter(Settings(state_url=url), "telegram")
        assert isinstance(local.buckets, MemoryBuckets) and not local.buckets.shared
    off = build_rate_limiter(Settings(state_url=redis_url, rate_limit_per_minute=0), "http")
    assert not off.enabled and not off.buckets.shared


# ------------------------------------------------------------- two HTTP servers on one Redis


@pytest.mark.parametrize(("state", "limited_once"), [("redis", True), ("memory:", False)])
def test_two_servers_on_one_redis_enforce_one_limit(
    fake_tutor: Tutor, redis_url: str, state: str, limited_once: bool
) -> None:
    """A key's requests alternate between two servers: with Redis it gets its burst once;
    with per-process buckets (the control) it gets it from each server."""
    burst = 4
    settings = Settings(
        state_url=redis_url if state == "redis" else state,
        rate_limit_per_minute=1,  # no token comes back during the test
        rate_limit_burst=burst,
    )
    first = fake_tutor.create_key("lms-one", "student")
    second = fake_tutor.create_key("lms-two", "student")
    with ExitStack() as stack:
        urls = [stack.enter_context(serve(create_app(settings, tutor=fake_tutor))) for _ in "ab"]
        clients = [stack.enter_context(httpx.Client(base_url=u, timeout=30)) for u in urls]

        def ask(i: int, key: str) -> httpx.Response:
            return clients[i % 2].post("/v1/ask", json=ASK, headers={"X-API-Key": key})

        codes = [ask(i, first).status_code for i in range(3 * burst)]
        allowed = burst if limited_once else 2 * burst
        assert codes.count(200) == allowed and codes.count(429) == 3 * burst - allowed
        assert codes[:allowed] == [200] * allowed  # refusals come after the burst, not before
        refused = ask(0, first)
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 30
        assert ask(1, second).status_code == 200  # another key has its own bucket
    prefix = split_url(redis_url)[1]
    buckets = [k.removeprefix(prefix) for k in keys_under(prefix)]
    assert len(buckets) == (2 if limited_once else 0)  # two keys' buckets, and nothing else
    assert all(b.startswith("rate:http:key:") for b in buckets)
