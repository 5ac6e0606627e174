"""Rate limits' token buckets in Redis, so replicas sharing the store enforce one limit.

Each bucket is a hash, P:rate:{name}:{caller} = {tokens, at, refused}, read, refilled and taken
from by one Lua script (atomic: two replicas taking the last token cannot both get it). The
time is Redis's own clock, so replicas whose clocks differ still agree. A bucket expires once
it would have refilled, as the in-process buckets forget idle callers.
"""

from __future__ import annotations

from collections.abc import Callable

from ...domain import RateDecision
from ..buckets import refused
from .connection import RETRY_AFTER_S, RedisConnection, num

# ARGV: tokens a second, burst, and the time ('' for Redis's clock). Returns allowed (0/1),
# first refusal (0/1) and the tokens left, as a string (Lua numbers reach Python as integers).
_TAKE = """
local rate, burst, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at', 'refused')
local tokens, was_refused = burst, false
if b[1] then
  tokens = math.min(burst, tonumber(b[1]) + math.max(0, now - tonumber(b[2])) * rate)
  was_refused = b[3] == '1'
end
local allowed, first = 0, 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
  was_refused = false
else
  if not was_refused then first = 1 end
  was_refused = true
end
local left = string.format('%.17g', tokens)
redis.call('HSET', KEYS[1], 'tokens', left, 'at', string.format('%.17g', now),
  'refused', was_refused and '1' or '0')
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000))
return {allowed, first, left}
"""


class RedisBuckets(RedisConnection):
    """One rate limit's buckets (`name`: "http", "telegram") under the store's prefix."""

    shared = True

    def __init__(
        self,
        url: str,
        name: str,
        *,
        clock: Callable[[], float] | None = None,
        retry_after: float = RETRY_AFTER_S,
    ):
        super().__init__(url, retry_after=retry_after)
        self.name = name
        self.clock = clock  # None: Redis's clock (tests pass their own)

    def take(self, key: str, rate: float, burst: int) -> RateDecision:
        now = num(self.clock()) if self.clock is not None else ""
        allowed, first, left = self._eval(
            _TAKE, [self._key("rate", self.name, key)], [num(rate), str(burst), now]
        )
        if allowed:
            return RateDecision(True)
        return refused(float(left), rate, bool(first))
