"""Jinja filters for the console: money, percentages, local times."""
from __future__ import annotations

from datetime import datetime

from core.runtime import runtime
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
    return value.astimezone(runtime().clock.tz).strftime(fmt)


FILTERS = {"money": money, "signed_money": signed_money, "number": number, "percent": percent, "local": local}
