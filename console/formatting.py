"""The console's Jinja filters: each writes a value the one way core/formats.py does ("–" for none),
in the store's timezone; `ledger_line` is a points ledger row in the member's words (bot/preview.py)."""
from __future__ import annotations

from datetime import datetime

from bot.preview import ledger_line as member_words
from core import formats
from core.runtime import runtime


def _or_dash(write):
    def filter_(value, *args):
        return "–" if value is None else write(value, *args)
    filter_.__name__ = write.__name__
    return filter_


def local(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return "–"
    try:
        return formats.local(value, runtime().clock.tz, fmt)
    except (OverflowError, ValueError):  # a time stored before times were checked must not take the page down
        return value.isoformat()


def last_day(until: datetime | None) -> str:
    """The last local day something valid until `until` (exclusive) can be used: the chat's and the
    API's rule (core.formats.last_day), so all three show the same date."""
    return formats.last_day(until, runtime().clock.tz) or "–"


def ledger_line(row, language: str) -> str:
    """What the member reads for this points ledger row, in `language`."""
    return member_words(row.reason_code, row.reason_params, language)


FILTERS = {
    "money": _or_dash(formats.money),
    "signed_money": _or_dash(lambda value: formats.money(value, signed=True)),
    "number": _or_dash(formats.number),
    "signed": _or_dash(formats.signed),
    "multiplier": _or_dash(formats.multiplier),
    "percent": _or_dash(formats.percent),
    "local": local,
    "ledger_line": ledger_line,
    "last_day": last_day,
}
