"""Adapters' small values in Redis: a hash per kind."""

from __future__ import annotations

from .connection import RedisConnection


class RedisLinks(RedisConnection):
    """`LinkStore` under P:links:{kind}."""

    def set_link(self, kind: str, key: str, value: str) -> None:
        self._call("HSET", self._key("links", kind), key, value)

    def link(self, kind: str, key: str) -> str | None:
        value = self._call("HGET", self._key("links", kind), key)
        return str(value) if value is not None else None
