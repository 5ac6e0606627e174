"""Teachers' corrections in Redis: one hash, id -> the correction as JSON."""

from __future__ import annotations

import json

from ...domain import Correction
from ..codec import correction_from_dict, correction_to_dict
from .connection import RedisConnection


class RedisCorrections(RedisConnection):
    """`CorrectionStore` under P:corrections."""

    def add_correction(self, correction: Correction) -> None:
        value = json.dumps(correction_to_dict(correction), ensure_ascii=False)
        self._call("HSET", self._key("corrections"), correction.correction_id, value)

    def corrections(self) -> list[Correction]:
        values = self._call("HVALS", self._key("corrections")) or []
        found = [correction_from_dict(json.loads(v)) for v in values]
        return sorted(found, key=lambda c: (c.created_at, c.correction_id))

    def remove_correction(self, correction_id: str) -> bool:
        return bool(self._call("HDEL", self._key("corrections"), correction_id))
