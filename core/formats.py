"""How numbers, money, multipliers and dates are written: one way, in the chat, the console and the CLI.

    number(12345)           "12,345"          points, counts
    signed(-50)             "-50"             a change of points ("+120")
    money(1250)             "NT$1,250"        NT$ are whole numbers; an average (a float) has two decimals
    money(6.66, signed=True) "+NT$6.66"
    multiplier(120)         "×1.2"            a tier's points multiplier, in percent
    percent(0.1234)         "12.34%"
    day(d, "zh-TW")         "2026/12/31"      ("Dec 31, 2026" in English)
    local(instant, tz)      "2026-12-31 14:03"
    instant(instant, tz)    "2026-12-31T14:03:00+08:00"   the API's and exports' ISO 8601, with the store's offset
    last_day(until, tz)     "2026-12-31"      the last local day something valid until `until` can be used

The chat's words around them are in bot/texts.py; the console's filters (console/formatting.py)
call these.
"""
from __future__ import annotations

from datetime import date, datetime, tzinfo

from core.timeutil import last_valid_day


def number(value: int | float) -> str:
    """A whole number with thousands separators; a float (an average, a ratio) with two decimals."""
    return f"{value:,.2f}" if isinstance(value, float) else f"{value:,}"


def signed(value: int) -> str:
    return f"{value:+,d}"


def money(value: int | float, signed: bool = False) -> str:
    """NT$ with thousands separators (a float, such as an average, with two decimals); `signed`: + or - first."""
    sign = ("+" if value > 0 else "-" if value < 0 else "") if signed else ("-" if value < 0 else "")
    return f"{sign}NT${number(abs(value))}"


def multiplier(pct: int) -> str:
    """120 -> "×1.2", 100 -> "×1.0", 125 -> "×1.25" (integers only, no float rounding)."""
    whole, frac = divmod(int(pct), 100)
    decimals = f"{frac:02d}".rstrip("0") or "0"
    return f"×{whole}.{decimals}"


def percent(ratio: float, digits: int = 2) -> str:
    return f"{ratio * 100:.{digits}f}%"


def day(value: date | datetime, language: str, tz: tzinfo | None = None) -> str:
    """A calendar day as a member reads it; an instant is first placed in `tz` (the store's)."""
    if isinstance(value, datetime):
        value = (value.astimezone(tz) if tz else value).date()
    return value.strftime("%b %-d, %Y") if language == "en" else value.strftime("%Y/%m/%d")


def local(value: datetime, tz: tzinfo, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """An instant in the store's timezone, as staff and operators read it."""
    return value.astimezone(tz).strftime(fmt)


def instant(value: datetime | None, tz: tzinfo) -> str | None:
    """An instant as ISO 8601 in the store's timezone, with its offset (None stays None). A time
    stored before times were checked, which the timezone cannot hold, is written as it is stored."""
    if value is None:
        return None
    try:
        return value.astimezone(tz).isoformat()
    except (OverflowError, ValueError):
        return value.isoformat()


def last_day(until: datetime | None, tz: tzinfo) -> str | None:
    """The last local day something valid until `until` (exclusive) can be used, ISO 8601: the one
    rule (core.timeutil.last_valid_day) of points expiry and coupons, in the chat, the API and the
    console. A time the timezone cannot hold is written as it is stored."""
    if until is None:
        return None
    try:
        return last_valid_day(until, until.astimezone(tz)).isoformat()
    except (OverflowError, ValueError):
        return until.isoformat()
