"""Daily reminders to review: what a learner sets, and which reminders are due when.

A learner sets a time of day (`set_reminder`) in their time zone, which is asked once and
kept (`set_zone`); until it is known the reminder waits. A reminder's moment on a day is
that time in the learner's zone, moved to the end of the quiet hours when it falls within
them (18:30 stays 18:30; 23:00 with quiet hours 22:00-07:00 comes at 07:00 the next
morning, as that day's reminder). It is due from its moment for `LATE` (a process that was
down for a moment still sends it; one down all evening does not send it at midnight), never
within quiet hours, never for a moment before the reminder was set, and once a day: the
replica whose `claim_reminder` succeeds sends it (the claim is the state store's, atomic
across replicas), the others skip it. A part of the `Tutor` facade (it mixes this in).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from .domain import Reminder
from .errors import InvalidInput, NotFound
from .limits import check_session_id
from .ports import StateStore
from .zones import after_quiet, check_quiet_hours, check_time, check_zone, clock_time, is_quiet

LATE = 2 * 3600.0  # seconds after its moment a reminder is still sent
MAX_CHAT_ID = 64


def moment(reminder: Reminder, day: date, zone: ZoneInfo) -> datetime:
    """When the reminder of `day` falls: its time that day, after any quiet hours."""
    at = datetime.combine(day, clock_time(reminder.time_of_day), tzinfo=zone)
    return after_quiet(at, reminder.quiet_hours)


def due_day(reminder: Reminder, now: float, late: float = LATE) -> str | None:
    """The day (ISO, the learner's) whose reminder is due at `now`, if any (module doc)."""
    if not (reminder.enabled and reminder.zone and reminder.time_of_day):
        return None
    zone = ZoneInfo(reminder.zone)
    local = datetime.fromtimestamp(now, zone)
    if is_quiet(local.time(), reminder.quiet_hours):
        return None
    for day in (local.date() - timedelta(days=1), local.date()):
        if day.isoformat() <= reminder.last_sent:
            continue
        at = moment(reminder, day, zone).timestamp()
        if reminder.created_at <= at <= now and now - at <= late:
            return day.isoformat()
    return None


def next_moment(reminder: Reminder, now: float) -> datetime | None:
    """The next moment the reminder falls after `now` (learner's time), None without one."""
    if not (reminder.enabled and reminder.zone and reminder.time_of_day):
        return None
    zone = ZoneInfo(reminder.zone)
    today = datetime.fromtimestamp(now, zone).date()
    for offset in (-1, 0, 1, 2):
        day = today + timedelta(days=offset)
        at = moment(reminder, day, zone)
        if at.timestamp() > now and day.isoformat() > reminder.last_sent:
            return at
    return None


class Parts(Protocol):
    store: StateStore
    clock: Callable[[], float]


class Reminders:
    def set_reminder(
        self: Parts, chat_id: str, session_id: str, time_of_day: str, quiet_hours: str = ""
    ) -> Reminder:
        """A daily reminder at `time_of_day` in the learner's zone (kept from before, else
        awaited: `set_zone`), counting the due items of `session_id`."""
        chat = _check_chat(chat_id)
        kept = self.store.reminder(chat)
        reminder = Reminder(
            chat,
            check_session_id(session_id),
            check_time(time_of_day),
            kept.zone if kept else "",
            check_quiet_hours(quiet_hours),
            enabled=True,
            created_at=self.clock(),
        )
        self.store.save_reminder(reminder)
        return dataclasses.replace(reminder, last_sent=kept.last_sent if kept else "")

    def set_zone(self: Parts, chat_id: str, zone: str, session_id: str) -> Reminder:
        """Keep the learner's time zone; a reminder waiting for it starts now."""
        chat = _check_chat(chat_id)
        name = check_zone(zone).key
        kept = self.store.reminder(chat)
        if kept is None:  # the zone alone, for a reminder set later
            kept = Reminder(chat, check_session_id(session_id), "", "", enabled=False)
        reminder = dataclasses.replace(kept, zone=name, created_at=self.clock())
        self.store.save_reminder(reminder)
        return reminder

    def reminder(self: Parts, chat_id: str) -> Reminder | None:
        return self.store.reminder(_check_chat(chat_id))

    def stop_reminder(self: Parts, chat_id: str) -> Reminder:
        """Switch the reminder off (the learner's zone stays known); NotFound without one."""
        kept = self.store.reminder(_check_chat(chat_id))
        if kept is None or not kept.enabled:
            raise NotFound("no reminder is set")
        stopped = dataclasses.replace(kept, enabled=False)
        self.store.save_reminder(stopped)
        return stopped

    def follow_session(self: Parts, chat_id: str, session_id: str) -> None:
        """The learner moved to a new session: a reminder counts its due items from now."""
        kept = self.store.reminder(_check_chat(chat_id))
        if kept is not None and kept.session_id != session_id:
            self.store.save_reminder(
                dataclasses.replace(kept, session_id=check_session_id(session_id))
            )

    def next_reminder(self: Parts, chat_id: str) -> datetime | None:
        """When the chat's reminder next falls, in the learner's zone (None: it does not)."""
        kept = self.store.reminder(_check_chat(chat_id))
        return next_moment(kept, self.clock()) if kept is not None else None

    def due_reminders(self: Parts, now: float | None = None) -> list[tuple[Reminder, str]]:
        """The reminders due at `now`, each with its day, for `claim_reminder`."""
        at = self.clock() if now is None else now
        found = []
        for reminder in self.store.reminders():
            day = due_day(reminder, at)
            if day is not None:
                found.append((reminder, day))
        return found

    def claim_reminder(self: Parts, chat_id: str, day: str) -> bool:
        """True for the one caller, of every replica, that is to send this day's reminder."""
        return self.store.claim_reminder(_check_chat(chat_id), day)


def _check_chat(chat_id: object) -> str:
    if not isinstance(chat_id, str) or not chat_id or len(chat_id) > MAX_CHAT_ID:
        raise InvalidInput(f"a chat id is 1-{MAX_CHAT_ID} characters; got {chat_id!r}")
    return chat_id
