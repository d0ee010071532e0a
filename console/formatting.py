"""Jinja filters for the console: money, percentages, local times."""
from __future__ import annotations

from datetime import datetime

from core.runtime import runtime
from rewards.timeutil import last_valid_day
from rewards import reasons


def money(value) -> str:
    return "–" if value is None else reasons.money(int(value))


def signed_money(value) -> str:
    """NT$ with its sign in front: +NT$4.44, −NT$473.08."""
    if value is None:
        return "–"
    sign = "+" if value > 0 else ("−" if value < 0 else "")
    return f"{sign}NT${abs(value):,.2f}"


def number(value) -> str:
    if value is None:
        return "–"
    return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"


def percent(value, digits: int = 2) -> str:
    if value is None:
        return "–"
    return f"{value * 100:.{digits}f}%"


def local(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return "–"
    try:
        return value.astimezone(runtime().clock.tz).strftime(fmt)
    except (OverflowError, ValueError):  # a time stored before times were checked must not take the page down
        return value.isoformat()


def last_day(until: datetime | None) -> str:
    """The last local day something valid until `until` (exclusive) can be used: the chat's and the
    API's rule (rewards.timeutil.last_valid_day), so all three show the same date."""
    if until is None:
        return "–"
    try:
        return last_valid_day(until, runtime().clock.now()).isoformat()
    except (OverflowError, ValueError):
        return until.isoformat()


FILTERS = {"money": money, "signed_money": signed_money, "number": number, "percent": percent, "local": local,
           "last_day": last_day}
