"""A state store in Redis, so several API replicas can share sessions, progress and keys.

Select it with `TUTOR_STATE_URL=redis://host:6379/0` (or `rediss://` for TLS); every key starts
with a prefix, `tutor:` unless the URL says `?prefix=course-a:`, so several courses (or test
runs) can share one Redis.

One module per owner; the layout under the prefix P (one structure per kind of record, so
reads are one command):

    sessions.py  P:turns:{session}       list of turns, oldest first, trimmed to `keep_turns`
    progress.py  P:items                 hash quiz_id -> item (first version kept)
                 P:served:{session}      hash quiz_id -> when last shown
                 P:attempts:{session}    list of attempts, oldest first (numbers follow)
                 P:attempt-n:{session}   hash quiz_id -> attempts so far (a new one's number)
                 P:reviews:{session}     hash quiz_id -> FSRS card (JSON; a list is an SM-2 one)
                 P:attempt-sessions      sorted set session by its latest attempt's time,
                                         so a class's attempts since a time are found
    links.py     P:links:{kind}          hash key -> value
    reminders.py P:reminders             hash chat -> reminder (JSON); P:reminders-sent hash
                                         chat -> day last claimed; P:reminder-claim:{chat}:{day}
                                         a claim (SET NX, kept a week)
    corrections.py P:corrections         hash correction id -> correction (JSON)
    keys.py      P:keys / P:key-hashes   hash name -> key (role, courses), hash key_hash -> name;
                 P:keys-revoked          a set of names
    courses.py   P:courses               hash course id -> title and creation time (JSON)
    audit.py     P:audit:next            the last audit id handed out (INCR)
                 P:audit:{id}            hash, one audit record
                 P:audit-by:time         sorted set id by `at`; P:audit-by:session:{s},
                                         P:audit-by:flagged and P:audit-by:unanswerable, sorted
                                         sets of ids, so a filtered query reads the smallest
                                         candidate set instead of the whole log
    buckets.py   P:rate:{name}:{caller}  hash, a rate limit's token bucket (expires once full)

A write that touches several keys is one MULTI/EXEC transaction or one Lua script, so a crash
never leaves half of it. Durability is Redis's: run it with `appendonly yes` (and
`appendfsync always` for the protocol's "acknowledged means durable") when progress matters.
Any Redis failure becomes `Unavailable`, whose message names neither the URL nor a password
(`connection.py`).

A course other than the default keeps its learner state under P + "c:{course_id}:" (see
`tutor.stores.course_store_url`); no key of the deployment's own starts with "c:", so
`drop_prefix` of a course's URL deletes that course's keys and nothing else.
"""

from __future__ import annotations

from ...errors import InvalidInput
from .audit import RedisAudit
from .connection import DEFAULT_PREFIX, RETRY_AFTER_S, RedisConnection, split_url
from .corrections import RedisCorrections
from .courses import RedisCourses
from .keys import RedisKeys
from .links import RedisLinks
from .progress import RedisProgress
from .reminders import RedisReminders
from .sessions import KEEP_TURNS, RedisSessions


class RedisStateStore(
    RedisSessions,
    RedisProgress,
    RedisKeys,
    RedisAudit,
    RedisLinks,
    RedisCorrections,
    RedisCourses,
    RedisReminders,
):
    """Sessions, progress, keys, the audit log, links, corrections, the course catalog and
    reminders in Redis, under one key prefix."""

    def __init__(
        self,
        url: str,
        *,
        prefix: str | None = None,
        keep_turns: int = KEEP_TURNS,
        retry_after: float = RETRY_AFTER_S,
    ):
        if keep_turns < 1:
            raise InvalidInput(f"keep_turns must be at least 1, got {keep_turns}")
        super().__init__(url, prefix=prefix, retry_after=retry_after)
        self.keep_turns = keep_turns


def drop_prefix(url: str) -> int:
    """Delete every key under the URL's prefix (a removed course's state); how many."""
    store = RedisConnection(url)
    try:
        return store.drop_all()
    finally:
        store.close()


__all__ = ["DEFAULT_PREFIX", "RedisStateStore", "drop_prefix", "split_url"]
