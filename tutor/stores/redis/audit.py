"""The audit log in Redis: a hash per record, and sorted sets of ids to filter on."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from ...domain import AuditFilter, AuditRecord
from ..codec import citations_from_json, citations_to_json, matches
from .connection import RedisConnection, num

AUDIT_BATCH = 200  # records fetched per round trip while filtering the audit log

_FLAG = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'flagged', '1', 'note', ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[2])
return 1
"""


class RedisAudit(RedisConnection):
    """`AuditLog` under P:audit:next (the last id), P:audit:{id} and P:audit-by:* (ids)."""

    def record_answer(self, record: AuditRecord) -> int:
        # INCR first: ids increase across replicas; a crash before EXEC only skips an id.
        audit_id = int(self._call("INCR", self._key("audit", "next")))
        member = str(audit_id)
        fields = _audit_to_fields(record)
        commands: list[tuple[str, ...]] = [
            ("HSET", self._key("audit", member), *(x for kv in fields.items() for x in kv)),
            ("ZADD", self._key("audit-by", "time"), num(record.at), member),
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
            sets.append((key, ("ZCOUNT", key, num(query.since), "+inf")))
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
        keys = [self._key("audit", member), self._key("audit-by", "flagged")]
        return bool(self._eval(_FLAG, keys, [note, member]))


def _audit_to_fields(record: AuditRecord) -> dict[str, str]:
    return {
        "at": num(record.at),
        "channel": record.channel,
        "session_id": record.session_id,
        "question": record.question,
        "answer": record.answer,
        "answerable": "1" if record.answerable else "0",
        "confidence": num(record.confidence),
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
