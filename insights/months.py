"""Calendar months in the store's timezone: "2026-10" and the instants it starts and ends."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, tzinfo

from sqlalchemy import case

_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")
# months a report can be about (year 0 or 9999 would overflow the date arithmetic)
FIRST_YEAR, LAST_YEAR = 1970, 2999


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> "Month":
        found = _PATTERN.match((text or "").strip())
        if not found or not 1 <= int(found.group(2)) <= 12 or not FIRST_YEAR <= int(found.group(1)) <= LAST_YEAR:
            raise ValueError(f"{text!r} is not a month (YYYY-MM)")
        return cls(int(found.group(1)), int(found.group(2)))

    @classmethod
    def of(cls, instant: datetime) -> "Month":
        return cls(instant.year, instant.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def plus(self, months: int) -> "Month":
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    def previous(self) -> "Month":
        return self.plus(-1)

    def start(self, tz: tzinfo) -> datetime:
        return datetime(self.year, self.month, 1, tzinfo=tz)

    def end(self, tz: tzinfo) -> datetime:
        """The instant the month ends (the next month's start)."""
        return self.plus(1).start(tz)

    def back(self, count: int) -> list["Month"]:
        """The `count` months ending with this one, oldest first."""
        return [self.plus(-i) for i in range(count - 1, -1, -1)]


def bucket(column, bounds: list[datetime]):
    """SQL: which interval [bounds[i], bounds[i+1]) `column` falls in, as i (NULL past the last bound)."""
    return case(*[(column < bounds[i + 1], i) for i in range(len(bounds) - 1)], else_=None)
