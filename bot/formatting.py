"""Numbers and dates as members read them."""
from __future__ import annotations

from datetime import date, datetime


def day(value: date | datetime, language: str, tz=None) -> str:
    if isinstance(value, datetime):
        value = (value.astimezone(tz) if tz else value).date()
    return value.strftime("%Y/%m/%d") if language != "en" else value.strftime("%b %-d, %Y")


def amount(value: int) -> str:
    return f"{value:,}"


def multiplier(pct: int) -> str:
    """120 -> "×1.2"; integers only, so no float rounding surprises."""
    whole, frac = divmod(int(pct), 100)
    return f"×{whole}" + (f".{f'{frac:02d}'.rstrip('0')}" if frac else ".0")


def signed(value: int) -> str:
    return f"{value:+,d}"
