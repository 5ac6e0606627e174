"""API keys in Redis: hashes, roles and courses, never the keys.

A key's body is JSON: {"role", "created_at", "courses"}. Bodies written before courses existed
have no "courses"; they read as keys of the default course, so nothing needs rewriting.
"""

from __future__ import annotations

import json
from typing import Any

from ...domain import DEFAULT_COURSE, ApiKey, Grant
from ...errors import InvalidInput
from .connection import RedisConnection

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
_BODY_OF = """
local name = redis.call('HGET', KEYS[1], ARGV[1])
if not name or redis.call('SISMEMBER', KEYS[3], name) == 1 then return false end
return redis.call('HGET', KEYS[2], name)
"""

# A key's new body, written only over the body it was computed from; none left: revoked.
_SET_COURSES = """
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
if ARGV[4] == '1' then redis.call('SADD', KEYS[2], ARGV[1]) end
return 1
"""


def _courses(body: dict[str, Any]) -> tuple[str, ...]:
    return tuple(str(c) for c in body.get("courses", [DEFAULT_COURSE]))


class RedisKeys(RedisConnection):
    """`KeyStore` under P:keys (name -> key), P:key-hashes (hash -> name), P:keys-revoked."""

    def add_key(
        self,
        name: str,
        role: str,
        key_hash: str,
        at: float,
        courses: tuple[str, ...] = (DEFAULT_COURSE,),
    ) -> None:
        body = json.dumps({"role": role, "created_at": at, "courses": list(courses)})
        keys = [self._key("keys"), self._key("key-hashes")]
        if not self._eval(_ADD_KEY, keys, [name, key_hash, body]):
            # like SQLite's UNIQUE constraints: the name, or (vanishingly rarely) the hash
            raise InvalidInput(f"a key named {name!r} exists already")

    def revoke_key(self, name: str) -> bool:
        keys = [self._key("keys"), self._key("keys-revoked")]
        return bool(self._eval(_REVOKE_KEY, keys, [name]))

    def keys(self) -> list[ApiKey]:
        found, revoked = self._run(
            ("HGETALL", self._key("keys")), ("SMEMBERS", self._key("keys-revoked"))
        )
        keys = []
        for name, raw in found.items():
            body = json.loads(raw)
            keys.append(
                ApiKey(
                    name,
                    body["role"],
                    float(body["created_at"]),
                    name in revoked,
                    _courses(body),
                )
            )
        return sorted(keys, key=lambda k: (k.created_at, k.name))

    def role_of(self, key_hash: str) -> str | None:
        grant = self.grant_of(key_hash)
        return grant.role if grant else None

    def grant_of(self, key_hash: str) -> Grant | None:
        keys = [self._key("key-hashes"), self._key("keys"), self._key("keys-revoked")]
        raw = self._eval(_BODY_OF, keys, [key_hash])
        if not raw:
            return None
        body = json.loads(raw)
        return Grant(str(body["role"]), _courses(body))

    def forget_course(self, course_id: str) -> int:
        keys = [self._key("keys"), self._key("keys-revoked")]
        found, revoked = self._run(("HGETALL", keys[0]), ("SMEMBERS", keys[1]))
        changed = 0
        for name, raw in found.items():
            body = json.loads(raw)
            courses = _courses(body)
            if name in revoked or course_id not in courses:
                continue
            left = [c for c in courses if c != course_id]
            new = json.dumps({**body, "courses": left})
            # bodies are written once and changed only here: a lost race is a removal too
            changed += int(self._eval(_SET_COURSES, keys, [name, raw, new, "0" if left else "1"]))
        return changed
