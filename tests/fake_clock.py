"""A clock tests move by hand, so nothing waits for real time to pass."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


class FakeClock:
    """Seconds since the epoch, as `time.time` gives them, but only ever moved by `advance`
    or `set`."""

    def __init__(self, now: float = 1_778_486_400.0):  # 2026-05-11 08:00 UTC, a Monday
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> float:
        self.now += seconds
        return self.now

    def set(self, when: str, zone: str = "UTC") -> float:
        """Move to a local wall time, "2026-05-11 18:30" in `zone`."""
        local = datetime.strptime(when, "%Y-%m-%d %H:%M").replace(tzinfo=ZoneInfo(zone))
        self.now = local.timestamp()
        return self.now
