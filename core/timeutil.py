"""Calendar arithmetic the programme needs, in the timezone of the `now` it is given."""
from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta


def require_aware(now: datetime, name: str = "now") -> datetime:
    if not isinstance(now, datetime) or now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")
    return now


def add_months(d: date | datetime, months: int):
    """The same day `months` later (or earlier), clamped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    day = min(d.day, calendar.monthrange(year, month)[1])
    return d.replace(year=year, month=month, day=day)


def local_midnight(day: date, like: datetime) -> datetime:
    """00:00 of `day` in the timezone of `like`."""
    return datetime.combine(day, time(0), tzinfo=like.tzinfo)


def end_of_local_day(day: date, like: datetime) -> datetime:
    """The instant `day` ends in the timezone of `like` (00:00 of the next day): used as a
    `valid_until` / `expires_at`, so "valid through 2027-11-20" means until midnight that night."""
    return local_midnight(day + timedelta(days=1), like)


def last_valid_day(until: datetime, like: datetime) -> date:
    """The last local day on which something valid until `until` (exclusive) can still be used."""
    return (until.astimezone(like.tzinfo) - timedelta(microseconds=1)).date()


def review_dates(now: datetime, review_month: int) -> tuple[date, date]:
    """(the latest review date on or before today, the next review date after today): 1st of the month."""
    today = now.date()
    this_year = date(today.year, review_month, 1)
    if this_year <= today:
        return this_year, date(today.year + 1, review_month, 1)
    return date(today.year - 1, review_month, 1), this_year
