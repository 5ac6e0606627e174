"""Reminders in the core: times, zones and quiet hours as learners give them; when a
reminder is due (its moment, quiet hours, lateness, once a day); the facade's calls."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.fake_clock import FakeClock
from tutor import InvalidInput, NotFound, Reminder, Tutor
from tutor.reminders import LATE, due_day, next_moment
from tutor.zones import (
    after_quiet,
    check_quiet_hours,
    check_time,
    check_zone,
    clock_time,
    is_quiet,
)

BERLIN = "Europe/Berlin"


@pytest.mark.parametrize(
    ("given", "kept"),
    [("18:30", "18:30"), ("7:05", "07:05"), ("1830", "18:30"), ("18", "18:00"), ("23.59", "23:59")],
)
def test_times_of_day_are_taken_in_several_spellings(given: str, kept: str) -> None:
    assert check_time(given) == kept


@pytest.mark.parametrize("given", ["24:00", "18:60", "half past six", "", "-1", None])
def test_other_times_are_refused_naming_the_form(given: object) -> None:
    with pytest.raises(InvalidInput, match="HH:MM on a 24-hour clock"):
        check_time(given)


def test_zones_are_iana_names() -> None:
    assert check_zone("Europe/Berlin").key == "Europe/Berlin"
    assert check_zone("UTC").key == "UTC"
    for bad in ("Mars/Olympus", "", "../../etc/passwd", "/etc/localtime", 42):
        with pytest.raises(InvalidInput, match="IANA name such as Europe/Berlin"):
            check_zone(bad)


def test_quiet_hours() -> None:
    assert check_quiet_hours("22-07") == "22:00-07:00"
    assert check_quiet_hours(" 22:30 - 6:45 ") == "22:30-06:45"
    assert check_quiet_hours("off") == check_quiet_hours("") == check_quiet_hours(None) == ""
    for bad in ("22", "22-22", "25-07", "late"):
        with pytest.raises(InvalidInput):
            check_quiet_hours(bad)
    night = "22:00-07:00"
    quiet = [is_quiet(clock_time(t), night) for t in ("21:59", "22:00", "03:00", "07:00")]
    assert quiet == [False, True, True, False]
    assert is_quiet(clock_time("13:00"), "12:00-14:00")
    assert not is_quiet(clock_time("03:00"), "")


def test_a_moment_in_quiet_hours_moves_to_their_end() -> None:
    zone = ZoneInfo(BERLIN)
    late = datetime(2026, 5, 11, 23, 0, tzinfo=zone)
    assert after_quiet(late, "22:00-07:00") == datetime(2026, 5, 12, 7, 0, tzinfo=zone)
    early = datetime(2026, 5, 11, 5, 0, tzinfo=zone)
    assert after_quiet(early, "22:00-07:00") == datetime(2026, 5, 11, 7, 0, tzinfo=zone)
    noon = datetime(2026, 5, 11, 12, 30, tzinfo=zone)
    assert after_quiet(noon, "12:00-14:00") == datetime(2026, 5, 11, 14, 0, tzinfo=zone)
    assert after_quiet(noon, "22:00-07:00") == noon


# When a reminder is due

EVENING = Reminder("42", "s1", "18:30", BERLIN, "22:00-07:00", True, "", 0.0)


def test_a_reminder_is_due_from_its_moment_in_the_learners_zone() -> None:
    clock = FakeClock()
    clock.set("2026-05-11 18:29", BERLIN)
    assert due_day(EVENING, clock()) is None
    clock.set("2026-05-11 18:30", BERLIN)  # 16:30 UTC
    assert due_day(EVENING, clock()) == "2026-05-11"
    clock.set("2026-05-11 16:30", "UTC")
    assert due_day(EVENING, clock()) == "2026-05-11"
    tokyo = dataclasses.replace(EVENING, zone="Asia/Tokyo")
    assert due_day(tokyo, clock()) is None  # 01:30 the next day in Tokyo: quiet


def test_once_claimed_a_day_is_not_due_again() -> None:
    clock = FakeClock()
    clock.set("2026-05-11 18:31", BERLIN)
    sent = dataclasses.replace(EVENING, last_sent="2026-05-11")
    assert due_day(sent, clock()) is None
    clock.set("2026-05-12 18:30", BERLIN)
    assert due_day(sent, clock()) == "2026-05-12"


def test_a_reminder_too_late_or_set_after_its_moment_waits_for_the_next_day() -> None:
    clock = FakeClock()
    clock.set("2026-05-11 18:30", BERLIN)
    clock.advance(LATE + 60)  # down all evening: not sent at 20:31
    assert due_day(EVENING, clock()) is None
    clock.set("2026-05-11 19:00", BERLIN)
    set_later = dataclasses.replace(EVENING, created_at=clock())
    assert due_day(set_later, clock()) is None
    assert next_moment(set_later, clock()).isoformat() == "2026-05-12T18:30:00+02:00"  # type: ignore[union-attr]


def test_a_reminder_in_quiet_hours_comes_at_their_end_as_that_days() -> None:
    clock = FakeClock()
    night = dataclasses.replace(EVENING, time_of_day="23:15")
    clock.set("2026-05-11 23:15", BERLIN)
    assert due_day(night, clock()) is None  # quiet
    assert next_moment(night, clock()).isoformat() == "2026-05-12T07:00:00+02:00"  # type: ignore[union-attr]
    clock.set("2026-05-12 07:00", BERLIN)
    assert due_day(night, clock()) == "2026-05-11"


def test_a_reminder_without_zone_time_or_switched_off_is_never_due() -> None:
    clock = FakeClock()
    clock.set("2026-05-11 18:30", BERLIN)
    for r in (
        dataclasses.replace(EVENING, zone=""),
        dataclasses.replace(EVENING, time_of_day=""),
        dataclasses.replace(EVENING, enabled=False),
    ):
        assert due_day(r, clock()) is None and next_moment(r, clock()) is None


def test_daylight_saving_time_keeps_the_wall_clock() -> None:
    clock = FakeClock()
    clock.set("2026-03-29 18:30", BERLIN)  # the first evening of summer time
    assert due_day(EVENING, clock()) == "2026-03-29"
    clock.set("2026-03-28 18:30", BERLIN)
    assert due_day(EVENING, clock()) == "2026-03-28"


# The facade


@pytest.fixture
def tutor(clocked_tutor: Tutor) -> Tutor:
    return clocked_tutor


def test_a_reminder_waits_for_the_zone_which_is_asked_once(tutor: Tutor, clock: FakeClock) -> None:
    clock.set("2026-05-11 12:00", BERLIN)
    waiting = tutor.set_reminder("42", "s1", "18:30", "22-07")
    assert (waiting.zone, waiting.time_of_day, waiting.quiet_hours) == ("", "18:30", "22:00-07:00")
    assert tutor.due_reminders(clock.set("2026-05-11 18:30", BERLIN)) == []
    clock.set("2026-05-11 12:00", BERLIN)
    started = tutor.set_zone("42", BERLIN, "s1")
    assert started.zone == BERLIN and started.enabled
    [(due, day)] = tutor.due_reminders(clock.set("2026-05-11 18:30", BERLIN))
    assert (due.chat_id, due.session_id, day) == ("42", "s1", "2026-05-11")
    again = tutor.set_reminder("42", "s1", "07:30")  # the zone is known now
    assert again.zone == BERLIN


def test_one_claim_a_day(tutor: Tutor, clock: FakeClock) -> None:
    clock.set("2026-05-11 12:00", BERLIN)
    tutor.set_zone("42", BERLIN, "s1")
    tutor.set_reminder("42", "s1", "18:30")
    [(_, day)] = tutor.due_reminders(clock.set("2026-05-11 18:30", BERLIN))
    assert tutor.claim_reminder("42", day) and not tutor.claim_reminder("42", day)
    assert tutor.due_reminders(clock.advance(60)) == []


def test_stopping_keeps_the_zone(tutor: Tutor, clock: FakeClock) -> None:
    with pytest.raises(NotFound):
        tutor.stop_reminder("42")
    tutor.set_zone("42", BERLIN, "s1")
    tutor.set_reminder("42", "s1", "18:30")
    stopped = tutor.stop_reminder("42")
    assert not stopped.enabled and stopped.zone == BERLIN
    assert tutor.due_reminders(clock.set("2026-05-11 18:30", BERLIN)) == []
    with pytest.raises(NotFound):
        tutor.stop_reminder("42")
    tutor.set_zone("42", "Asia/Tokyo", "s1")  # a new zone does not switch it on again
    assert not tutor.reminder("42").enabled  # type: ignore[union-attr]


def test_a_new_session_is_followed(tutor: Tutor) -> None:
    tutor.set_zone("42", BERLIN, "s1")
    tutor.set_reminder("42", "s1", "18:30")
    tutor.follow_session("42", "s2")
    assert tutor.reminder("42").session_id == "s2"  # type: ignore[union-attr]
    tutor.follow_session("7", "s3")  # no reminder there: nothing to follow
    assert tutor.reminder("7") is None


def test_bad_input_is_refused(tutor: Tutor) -> None:
    with pytest.raises(InvalidInput, match="24-hour"):
        tutor.set_reminder("42", "s1", "25:00")
    with pytest.raises(InvalidInput, match="IANA"):
        tutor.set_zone("42", "Nowhere/Land", "s1")
    with pytest.raises(InvalidInput, match="quiet hours"):
        tutor.set_reminder("42", "s1", "18:30", "evening")
