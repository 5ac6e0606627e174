"""A learner's time: time zones, times of day and quiet hours, as learners give them.

Days are the learner's own (a streak, a reminder's day, "next review tomorrow"): an instant
is turned into a date in the learner's IANA zone (`zoneinfo`, with the `tzdata` package
where the system has no zone database).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import InvalidInput

UTC_ZONE = "UTC"
_TIME = re.compile(r"([01]?\d|2[0-3])[:.h]?([0-5]\d)?")
_QUIET = re.compile(r"\s*(\d{1,2}(?::\d{2})?)\s*-\s*(\d{1,2}(?::\d{2})?)\s*")


def check_zone(name: object) -> ZoneInfo:
    """The IANA time zone `name` names (InvalidInput with an example otherwise)."""
    if isinstance(name, str) and 0 < len(name) <= 64 and ".." not in name:
        try:
            return ZoneInfo(name.strip())
        except (ZoneInfoNotFoundError, ValueError):
            pass
    shown = repr(name)[:80]
    raise InvalidInput(f"a time zone is an IANA name such as Europe/Berlin or UTC; got {shown}")


def check_time(text: object) -> str:
    """A time of day as "HH:MM" (24 hours; "18:30", "7:05", "1830" and "18" are taken)."""
    m = _TIME.fullmatch(text.strip()) if isinstance(text, str) else None
    if m is None:
        shown = repr(text)[:40]
        raise InvalidInput(f"a time of day is HH:MM on a 24-hour clock, such as 18:30; got {shown}")
    return f"{int(m.group(1)):02d}:{m.group(2) or '00'}"


def check_quiet_hours(text: object) -> str:
    """Quiet hours as "HH:MM-HH:MM" ("22-07" and "22:30-7" are taken); "" for none."""
    if text is None or (isinstance(text, str) and text.strip().lower() in ("", "off", "none")):
        return ""
    m = _QUIET.fullmatch(text) if isinstance(text, str) else None
    try:
        if m is None:
            raise InvalidInput("no match")
        start, end = check_time(m.group(1)), check_time(m.group(2))
    except InvalidInput:
        shown = repr(text)[:40]
        raise InvalidInput(
            f"quiet hours are two times of day, from-to, such as 22-07 or 22:30-06:45; got {shown}"
        ) from None
    if start == end:
        raise InvalidInput(f"quiet hours must start and end at different times; got {text!r}")
    return f"{start}-{end}"


def clock_time(hh_mm: str) -> time:
    hours, minutes = hh_mm.split(":")
    return time(int(hours), int(minutes))


def quiet_span(quiet_hours: str) -> tuple[time, time] | None:
    if not quiet_hours:
        return None
    start, end = quiet_hours.split("-")
    return clock_time(start), clock_time(end)


def is_quiet(at: time, quiet_hours: str) -> bool:
    """Whether a time of day falls within the quiet hours (which may span midnight)."""
    span = quiet_span(quiet_hours)
    if span is None:
        return False
    start, end = span
    return start <= at < end if start < end else at >= start or at < end


def after_quiet(moment: datetime, quiet_hours: str) -> datetime:
    """`moment`, or the end of the quiet hours it falls within (the next morning for quiet
    hours that span midnight and a moment before it)."""
    span = quiet_span(quiet_hours)
    if span is None or not is_quiet(moment.time(), quiet_hours):
        return moment
    start, end = span
    day = moment.date()
    if start > end and moment.time() >= start:
        day += timedelta(days=1)
    return datetime.combine(day, end, tzinfo=moment.tzinfo)


def local_date(at: float, zone: ZoneInfo) -> date:
    return datetime.fromtimestamp(at, zone).date()
