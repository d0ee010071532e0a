"""The one clock. Everything that needs "now" asks a Clock, so tests and `jobs run-due --at` can move time."""
from __future__ import annotations

from datetime import datetime, timezone, tzinfo
from zoneinfo import ZoneInfo


class Clock:
    """Wall-clock time, timezone-aware, in the store's timezone."""

    def __init__(self, tz: str | tzinfo = "Asia/Taipei"):
        self.tz = ZoneInfo(tz) if isinstance(tz, str) else tz

    def now(self) -> datetime:
        return datetime.now(timezone.utc).astimezone(self.tz)


class FixedClock(Clock):
    """A clock that stands still until moved; for tests and catch-up runs."""

    def __init__(self, at: datetime, tz: str | tzinfo = "Asia/Taipei"):
        super().__init__(tz)
        if at.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")
        self._at = at

    def now(self) -> datetime:
        return self._at.astimezone(self.tz)

    def set(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")
        self._at = at

    def advance(self, delta) -> None:
        self._at = self._at + delta
