"""The Redis store's client, key prefix and failure handling, which every owner's part uses."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import redis
from redis.backoff import NoBackoff
from redis.commands.core import Script
from redis.retry import Retry

from ...errors import InvalidInput, Unavailable

log = logging.getLogger(__name__)

DEFAULT_PREFIX = "tutor:"
TIMEOUT_S = 2.0  # connect and read: a request fails fast instead of hanging on a dead Redis
RETRY_AFTER_S = 1.0  # after a connection failure, calls fail at once for this long
UNREACHABLE = "the state store (Redis) is unreachable; try again shortly"


def split_url(url: str) -> tuple[str, str]:
    """The URL for the Redis client and the key prefix (`?prefix=`, default `tutor:`).

    Raises ValueError naming what is wrong, never echoing the URL (it may hold a password).
    """
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss"):
        raise ValueError("a Redis state URL starts with redis:// or rediss://")
    try:
        parts.port  # noqa: B018 - parsing the port is the check
    except ValueError:
        raise ValueError("the Redis URL's port must be a number from 0 to 65535") from None
    database = parts.path.strip("/")
    if database and not database.isdigit():
        raise ValueError(f"the Redis URL's path must be a database number, got {database!r}")
    query = parse_qsl(parts.query, keep_blank_values=True)
    prefixes = [v for k, v in query if k == "prefix"]
    prefix = prefixes[-1] if prefixes else DEFAULT_PREFIX
    if not prefix:
        raise ValueError("the Redis key prefix must not be empty (?prefix=name:)")
    rest = urlencode([(k, v) for k, v in query if k != "prefix"])
    return urlunsplit(parts._replace(query=rest)), prefix


def num(value: float) -> str:
    return repr(float(value))  # repr round-trips a float exactly


class RedisConnection:
    """A Redis client under one key prefix; each owner's part adds its methods, and
    `RedisStateStore` puts them together."""

    def __init__(self, url: str, *, prefix: str | None = None, retry_after: float = RETRY_AFTER_S):
        client_url, url_prefix = split_url(url)
        self.prefix = prefix if prefix is not None else url_prefix
        if not self.prefix:
            raise InvalidInput("the Redis key prefix must not be empty")
        self.retry_after = retry_after
        self._down_until = float("-inf")
        # No retries: a write whose reply timed out may have been applied, and repeating it
        # would append twice. The pool reconnects a connection the server closed on checkout.
        self._redis = redis.Redis.from_url(
            client_url,
            decode_responses=True,
            socket_timeout=TIMEOUT_S,
            socket_connect_timeout=TIMEOUT_S,
            retry=Retry(NoBackoff(), 0),
        )
        kwargs = self._redis.connection_pool.connection_kwargs
        self._where = f"{kwargs.get('host', '?')}:{kwargs.get('port', '?')}/{kwargs.get('db', 0)}"
        self._scripts: dict[str, Script] = {}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._where}, prefix={self.prefix!r})"

    def _key(self, *parts: str) -> str:
        return self.prefix + ":".join(parts)

    @contextmanager
    def _reachable(self) -> Iterator[None]:
        """Turn any Redis failure into the core's Unavailable (→ 503), without secrets.

        A request makes several store calls; once one could not reach Redis, the next ones
        fail at once for a moment instead of each waiting for its own timeout.
        """
        if time.monotonic() < self._down_until:
            raise Unavailable(UNREACHABLE)
        try:
            yield
        except redis.AuthenticationError as exc:
            log.warning("Redis state store at %s: %s", self._where, exc)
            raise Unavailable("the state store (Redis) refused the credentials") from exc
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            self._down_until = time.monotonic() + self.retry_after
            log.warning("Redis state store at %s: %s", self._where, exc)
            raise Unavailable(UNREACHABLE) from exc
        except redis.RedisError as exc:
            log.warning("Redis state store at %s: %s", self._where, exc)
            raise Unavailable(
                f"the state store (Redis) refused the request ({type(exc).__name__})"
            ) from exc

    def _run(self, *commands: tuple[str, ...]) -> list[Any]:
        """Several commands as one MULTI/EXEC transaction: all of them apply, or none."""
        with self._reachable():
            pipe = self._redis.pipeline(transaction=True)
            for command in commands:
                pipe.execute_command(*command)
            return cast(list[Any], pipe.execute())

    def _call(self, *command: str) -> Any:
        with self._reachable():
            return self._redis.execute_command(*command)

    def _eval(self, script: str, keys: list[str], args: list[str]) -> Any:
        """A Lua script: Redis runs it atomically, so no other client's command comes between
        its check and its write."""
        with self._reachable():
            if script not in self._scripts:
                self._scripts[script] = self._redis.register_script(script)
            return self._scripts[script](keys=keys, args=args)

    def drop_all(self) -> int:
        """Delete every key under this prefix; how many. Not atomic: for a prefix nobody
        writes to any more (a removed course)."""
        # SCAN's MATCH is a glob: a prefix holding * ? [ ] or \ must not match other prefixes
        pattern = "".join("\\" + ch if ch in "*?[]\\" else ch for ch in self.prefix) + "*"
        dropped = 0
        with self._reachable():
            batch: list[str] = []
            for key in self._redis.scan_iter(match=pattern, count=1000):
                batch.append(key)
                if len(batch) == 500:
                    dropped += int(self._redis.unlink(*batch))
                    batch.clear()
            if batch:
                dropped += int(self._redis.unlink(*batch))
        return dropped

    def close(self) -> None:
        # Only local sockets close, so nothing can be lost; later calls reconnect, as the
        # SQLite store reopens its connections.
        with contextlib.suppress(redis.RedisError, OSError):
            self._redis.close()
