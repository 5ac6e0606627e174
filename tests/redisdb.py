"""The Redis the tests use: `TUTOR_TEST_REDIS_URL`, one fresh key prefix per test.

CI runs on machines that have Redis, so an unreachable one fails the tests that need it (a
skip would let the Redis store go untested without anyone noticing).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
import redis

REDIS_URL = os.environ.get("TUTOR_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
START_REDIS = (
    'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no '
    "--dir /var/lib/redis --logfile /var/log/redis/ci.log"
)


def client() -> redis.Redis:
    return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=5)


def require_redis() -> None:
    """Fail (not skip) with what to do when the test Redis does not answer."""
    c = client()
    try:
        c.ping()
    except redis.RedisError as exc:
        pytest.fail(
            f"the Redis state store tests need Redis at {REDIS_URL} (TUTOR_TEST_REDIS_URL), "
            f"which does not answer: {exc}. Start it with: {START_REDIS}",
            pytrace=False,
        )
    finally:
        c.close()


def with_prefix(url: str, prefix: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "prefix"] + [("prefix", prefix)]
    return urlunsplit(parts._replace(query=urlencode(query)))


def keys_under(prefix: str) -> list[str]:
    c = client()
    try:
        return sorted(k.decode() for k in c.scan_iter(match=prefix + "*", count=1000))
    finally:
        c.close()


@contextmanager
def fresh_prefix(name: str = "test") -> Iterator[str]:
    """A key prefix no other test uses; its keys are deleted afterwards."""
    require_redis()
    prefix = f"{name}-{uuid.uuid4().hex}:"
    try:
        yield prefix
    finally:
        c = client()
        try:
            found = list(c.scan_iter(match=prefix + "*", count=1000))
            if found:
                c.delete(*found)
        finally:
            c.close()
