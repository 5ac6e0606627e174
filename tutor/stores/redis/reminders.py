"""Learners' reminders in Redis, and the claims that let one replica send each.

    P:reminders               hash chat id -> the reminder (JSON, without last_sent)
    P:reminders-sent          hash chat id -> the day of the last claim (its last_sent)
    P:reminder-claim:{chat}:{day}   "1" while the claim is kept (SET NX, expiring in a week)

A claim is one Lua script: SET NX succeeds for exactly one caller, and the same script
records the day as the reminder's last_sent, so the two never disagree.
"""

from __future__ import annotations

from ...domain import Reminder
from ..codec import reminder_from_json, reminder_to_json
from .connection import RedisConnection

KEEP_CLAIM_MS = 7 * 86_400 * 1000  # a day is only ever claimed within hours of it

# KEYS: the claim, the last-sent hash. ARGV: the chat, the day, milliseconds to keep it.
_CLAIM = """
if redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[3]) then
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
  return 1
end
return 0
"""


class RedisReminders(RedisConnection):
    """`ReminderStore` under P:reminders, P:reminders-sent and P:reminder-claim:…"""

    def save_reminder(self, reminder: Reminder) -> None:
        self._call("HSET", self._key("reminders"), reminder.chat_id, reminder_to_json(reminder))

    def reminder(self, chat_id: str) -> Reminder | None:
        raw, last = self._run(
            ("HGET", self._key("reminders"), chat_id),
            ("HGET", self._key("reminders-sent"), chat_id),
        )
        return reminder_from_json(chat_id, raw, last) if raw is not None else None

    def reminders(self) -> list[Reminder]:
        found, sent = self._run(
            ("HGETALL", self._key("reminders")), ("HGETALL", self._key("reminders-sent"))
        )
        every = [reminder_from_json(c, raw, sent.get(c)) for c, raw in (found or {}).items()]
        return sorted((r for r in every if r.enabled), key=lambda r: r.chat_id)

    def claim_reminder(self, chat_id: str, day: str) -> bool:
        keys = [self._key("reminder-claim", chat_id, day), self._key("reminders-sent")]
        return bool(self._eval(_CLAIM, keys, [chat_id, day, str(KEEP_CLAIM_MS)]))
