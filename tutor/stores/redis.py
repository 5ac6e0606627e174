"""A state store in Redis, so several API replicas can share sessions, progress and keys.

Select it with `TUTOR_STATE_URL=redis://host:6379/0` (or `rediss://` for TLS); every key starts
with a prefix, `tutor:` unless the URL says `?prefix=course-a:`, so several courses (or test
runs) can share one Redis.

Layout under the prefix P (one structure per kind of record, so reads are one command):

    P:turns:{session}        list of turns, oldest first, trimmed to the last `keep_turns`
    P:items                  hash quiz_id -> item (first version kept, like INSERT OR IGNORE)
    P:served:{session}       hash quiz_id -> when last shown
    P:attempts:{session}     list of attempts, oldest first (numbers follow from the order)
    P:attempt-n:{session}    hash quiz_id -> attempts so far (the number a new attempt gets)
    P:reviews:{session}      hash quiz_id -> schedule
    P:links:{kind}           hash key -> value
    P:keys / P:key-hashes    hash name -> key, hash key_hash -> name; P:keys-revoked, a set
    P:audit:next             the last audit id handed out (INCR)
    P:audit:{id}             hash, one audit record
    P:audit-by:time          sorted set id by `at`; P:audit-by:session:{s}, P:audit-by:flagged
                             and P:audit-by:unanswerable, sorted sets of ids, so a filtered
                             query reads the smallest candidate set instead of the whole log

A write that touches several keys is one MULTI/EXEC transaction or one Lua script, so a crash
never leaves half of it. Durability is Redis's: run it with `appendonly yes` (and
`appendfsync always` for the protocol's "acknowledged means durable") when progress matters.
Any Redis failure becomes `Unavailable`, whose message names neither the URL nor a password.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, cast
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from ..domain import ApiKey, Attempt, AuditFilter, AuditRecord, QuizItem, Review, Turn
from ..errors import InvalidInput, Unavailable
from .codec import (
    citations_from_json,
    citations_to_json,
    item_from_dict,
    item_to_dict,
    matches,
    review_to_row,
)

log = logging.getLogger(__name__)

DEFAULT_PREFIX = "tutor:"
TIMEOUT_S = 2.0  # connect and read: a request fails fast instead of hanging on a dead Redis
RETRY_AFTER_S = 1.0  # after a connection failure, calls fail at once for this long
KEEP_TURNS = 100  # the tutor reads the last 5 turns; older ones only cost memory
AUDIT_BATCH = 200  # records fetched per round trip while filtering the audit log
UNREACHABLE = "the state store (Redis) is unreachable; try again shortly"

# Lua runs atomically in Redis: the check and the write cannot be separated by another client.
_ADD_KEY = """
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 or redis.call('HEXISTS', KEYS[2], ARGV[2]) == 1
then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
return 1
"""
_REVOKE_KEY = """
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
return redis.call('SADD', KEYS[2], ARGV[1])
"""
_ROLE_OF = """
local name = redis.call('HGET', KEYS[1], ARGV[1])
if not name or redis.call('SISMEMBER', KEYS[3], name) == 1 then return false end
return redis.call('HGET', KEYS[2], name)
"""
_FLAG = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'flagged', '1', 'note', ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[2])
return 1
"""


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


def _num(value: float) -> str:
    return repr(float(value))  # repr round-trips a float exactly


class RedisStateStore:
    """Sessions, progress, keys and the audit log in Redis, under one key prefix."""

    def __init__(
        self,
        url: str,
        *,
        prefix: str | None = None,
        keep_turns: int = KEEP_TURNS,
        retry_after: float = RETRY_AFTER_S,
    ):
        client_url, url_prefix = split_url(url)
        if keep_turns < 1:
            raise InvalidInput(f"keep_turns must be at least 1, got {keep_turns}")
        self.prefix = prefix if prefix is not None else url_prefix
        if not self.prefix:
            raise InvalidInput("the Redis key prefix must not be empty")
        self.keep_turns = keep_turns
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
        self._add_key = self._redis.register_script(_ADD_KEY)
        self._revoke_key = self._redis.register_script(_REVOKE_KEY)
        self._role_of = self._redis.register_script(_ROLE_OF)
        self._flag = self._redis.register_script(_FLAG)

    def __repr__(self) -> str:
        return f"RedisStateStore({self._where}, prefix={self.prefix!r})"

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

    # Conversations

    def history(self, session_id: str, limit: int = 5) -> list[Turn]:
        if limit <= 0:
            return []
        rows = self._call("LRANGE", self._key("turns", session_id), str(-limit), "-1")
        return [_turn_from_json(row) for row in rows]

    def append_turn(self, session_id: str, turn: Turn) -> None:
        key = self._key("turns", session_id)
        self._run(
            ("RPUSH", key, _turn_to_json(turn)),
            ("LTRIM", key, str(-self.keep_turns), "-1"),
        )

    # Quiz items, what was shown, attempts and schedules

    def save_item(self, item: QuizItem) -> None:
        self._call("HSETNX", self._key("items"), item.quiz_id, json.dumps(item_to_dict(item)))

    def item(self, quiz_id: str) -> QuizItem | None:
        raw = self._call("HGET", self._key("items"), quiz_id)
        return item_from_dict(json.loads(raw)) if raw is not None else None

    def mark_served(self, session_id: str, quiz_id: str, at: float) -> None:
        self._call("HSET", self._key("served", session_id), quiz_id, _num(at))

    def served(self, session_id: str) -> dict[str, float]:
        rows = self._call("HGETALL", self._key("served", session_id))
        return {quiz_id: float(at) for quiz_id, at in rows.items()}

    def record_attempt(
        self, session_id: str, quiz_id: str, answer: str, correct: bool, review: Review, at: float
    ) -> Attempt:
        row = json.dumps([quiz_id, answer, correct, at])
        _, number, _ = self._run(
            ("RPUSH", self._key("attempts", session_id), row),
            ("HINCRBY", self._key("attempt-n", session_id), quiz_id, "1"),
            ("HSET", self._key("reviews", session_id), quiz_id, json.dumps(review_to_row(review))),
        )
        return Attempt(quiz_id, answer, correct, at, int(number))

    def attempts(self, session_id: str) -> list[Attempt]:
        rows = self._call("LRANGE", self._key("attempts", session_id), "0", "-1")
        seen: dict[str, int] = {}
        found = []
        for row in rows:
            quiz_id, answer, correct, at = json.loads(row)
            seen[quiz_id] = seen.get(quiz_id, 0) + 1
            found.append(Attempt(quiz_id, answer, bool(correct), float(at), seen[quiz_id]))
        return found

    def reviews(self, session_id: str) -> dict[str, Review]:
        rows = self._call("HGETALL", self._key("reviews", session_id))
        found = {}
        for quiz_id, raw in rows.items():
            repetitions, interval, easiness, due = json.loads(raw)
            found[quiz_id] = Review(int(repetitions), float(interval), float(easiness), float(due))
        return found

    # Adapters' small values

    def set_link(self, kind: str, key: str, value: str) -> None:
        self._call("HSET", self._key("links", kind), key, value)

    def link(self, kind: str, key: str) -> str | None:
        value = self._call("HGET", self._key("links", kind), key)
        return str(value) if value is not None else None

    # API keys

    def add_key(self, name: str, role: str, key_hash: str, at: float) -> None:
        body = json.dumps({"role": role, "created_at": at})
        with self._reachable():
            added = self._add_key(
                keys=[self._key("keys"), self._key("key-hashes")], args=[name, key_hash, body]
            )
        if not added:
            # like SQLite's UNIQUE constraints: the name, or (vanishingly rarely) the hash
            raise InvalidInput(f"a key named {name!r} exists already")

    def revoke_key(self, name: str) -> bool:
        with self._reachable():
            revoked = self._revoke_key(
                keys=[self._key("keys"), self._key("keys-revoked")], args=[name]
            )
        return bool(revoked)

    def keys(self) -> list[ApiKey]:
        found, revoked = self._run(
            ("HGETALL", self._key("keys")), ("SMEMBERS", self._key("keys-revoked"))
        )
        keys = []
        for name, raw in found.items():
            body = json.loads(raw)
            keys.append(ApiKey(name, body["role"], float(body["created_at"]), name in revoked))
        return sorted(keys, key=lambda k: (k.created_at, k.name))

    def role_of(self, key_hash: str) -> str | None:
        with self._reachable():
            raw = self._role_of(
                keys=[self._key("key-hashes"), self._key("keys"), self._key("keys-revoked")],
                args=[key_hash],
            )
        return str(json.loads(raw)["role"]) if raw else None

    # The audit log

    def record_answer(self, record: AuditRecord) -> int:
        # INCR first: ids increase across replicas; a crash before EXEC only skips an id.
        audit_id = int(self._call("INCR", self._key("audit", "next")))
        member = str(audit_id)
        fields = _audit_to_fields(record)
        commands: list[tuple[str, ...]] = [
            ("HSET", self._key("audit", member), *(x for kv in fields.items() for x in kv)),
            ("ZADD", self._key("audit-by", "time"), _num(record.at), member),
            ("ZADD", self._key("audit-by", "session", record.session_id), member, member),
        ]
        if not record.answerable:
            commands.append(("ZADD", self._key("audit-by", "unanswerable"), member, member))
        self._run(*commands)
        return audit_id

    def audit(self, query: AuditFilter) -> list[AuditRecord]:
        if query.limit <= 0:
            return []
        found: list[AuditRecord] = []
        for batch in _batches(self._candidates(query), AUDIT_BATCH):
            rows = self._run(*(("HGETALL", self._key("audit", str(i))) for i in batch))
            for audit_id, fields in zip(batch, rows, strict=True):
                if not fields:
                    continue  # an id whose write never happened (a crash after INCR)
                record = _audit_from_fields(audit_id, fields)
                if matches(record, query):
                    found.append(record)
                    if len(found) == query.limit:
                        return found
        return found

    def _candidates(self, query: AuditFilter) -> Iterator[int]:
        """Ids that may match, newest first, from the smallest set a filter allows."""
        last = int(self._call("GET", self._key("audit", "next")) or 0)
        sets: list[tuple[str, tuple[str, ...]]] = []
        if query.session_id is not None:
            key = self._key("audit-by", "session", query.session_id)
            sets.append((key, ("ZCARD", key)))
        if query.flagged is True:
            key = self._key("audit-by", "flagged")
            sets.append((key, ("ZCARD", key)))
        if query.answerable is False:
            key = self._key("audit-by", "unanswerable")
            sets.append((key, ("ZCARD", key)))
        if query.since is not None:
            key = self._key("audit-by", "time")
            sets.append((key, ("ZCOUNT", key, _num(query.since), "+inf")))
        sizes = self._run(*(count for _, count in sets)) if sets else []
        best = min(zip(sizes, sets, strict=True), default=None, key=lambda s: int(s[0]))
        if best is None or int(best[0]) >= last:
            return iter(range(last, 0, -1))  # the whole log, newest first, read lazily
        _, (key, count) = best
        if count[0] == "ZCOUNT":
            members = self._call("ZRANGEBYSCORE", key, count[2], "+inf")
        else:
            members = self._call("ZRANGE", key, "0", "-1")
        return iter(sorted((int(m) for m in members), reverse=True))

    def flag(self, audit_id: int, note: str) -> bool:
        member = str(audit_id)
        with self._reachable():
            flagged = self._flag(
                keys=[self._key("audit", member), self._key("audit-by", "flagged")],
                args=[note, member],
            )
        return bool(flagged)

    def close(self) -> None:
        # Only local sockets close, so nothing can be lost; later calls reconnect, as the
        # SQLite store reopens its connections.
        with contextlib.suppress(redis.RedisError, OSError):
            self._redis.close()


def _turn_to_json(turn: Turn) -> str:
    return json.dumps(
        {
            "question": turn.question,
            "query": turn.query,
            "answer": turn.answer,
            "answerable": turn.answerable,
            "passage_ids": list(turn.passage_ids),
            "topic": turn.topic,
        }
    )


def _turn_from_json(raw: str) -> Turn:
    d = json.loads(raw)
    return Turn(
        d["question"],
        d["query"],
        d["answer"],
        bool(d["answerable"]),
        tuple(int(i) for i in d["passage_ids"]),
        d["topic"],
    )


def _audit_to_fields(record: AuditRecord) -> dict[str, str]:
    return {
        "at": _num(record.at),
        "channel": record.channel,
        "session_id": record.session_id,
        "question": record.question,
        "answer": record.answer,
        "answerable": "1" if record.answerable else "0",
        "confidence": _num(record.confidence),
        "citations": json.dumps(citations_to_json(record.citations)),
        "index_version": record.index_version,
        "flagged": "0",  # a new record is never flagged (as in SQLite), whatever it says
        "note": "",
    }


def _audit_from_fields(audit_id: int, f: dict[str, str]) -> AuditRecord:
    return AuditRecord(
        audit_id,
        float(f["at"]),
        f["channel"],
        f["session_id"],
        f["question"],
        f["answer"],
        f["answerable"] == "1",
        float(f["confidence"]),
        citations_from_json(json.loads(f["citations"])),
        f["index_version"],
        f.get("flagged") == "1",
        f.get("note", ""),
    )


def _batches(ids: Iterable[int], size: int) -> Iterator[list[int]]:
    batch: list[int] = []
    for i in ids:
        batch.append(i)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
