"""Numbers and dates as members read them."""
from __future__ import annotations

from datetime import date, datetime

from rewards.reasons import multiplier  # noqa: F401 - one way to write ×1.2, shared with the ledger


def day(value: date | datetime, language: str, tz=None) -> str:
    if isinstance(value, datetime):
        value = (value.astimezone(tz) if tz else value).date()
    return value.strftime("%Y/%m/%d") if language != "en" else value.strftime("%b %-d, %Y")


def amount(value: int) -> str:
    return f"{value:,}"


def signed(value: int) -> str:
    return f"{value:+,d}"
