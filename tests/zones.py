"""The app in a configured store timezone (`BOT_TIMEZONE`), for tests that times follow it.

`zoned_app` runs once per zone: Taipei (+08:00), Los Angeles (-08:00 in November) and Kolkata
(+05:30), so nothing can pass by writing +08:00 or UTC. `offsets_of` finds every date-time in a
JSON answer, wherever it is (a field, an error's fields, a message's words).
"""
from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from core.clock import FixedClock

ZONES = ("Asia/Taipei", "America/Los_Angeles", "Asia/Kolkata")
DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?")


@pytest.fixture(params=ZONES)
def zoned_app(request, database_url, simulator_server, line):
    from tests.conftest import make_app

    tz = ZoneInfo(request.param)
    clock = FixedClock(datetime(2026, 11, 20, 14, 0, tzinfo=tz), tz)
    app = make_app(database_url, simulator_server.url, clock, BOT_TIMEZONE=request.param)
    yield app
    app.extensions["inbox_worker"].shutdown()
    app.extensions["bot"].db.dispose()


def date_times(value) -> list[str]:
    """Every date-time written anywhere in a JSON value."""
    if isinstance(value, dict):
        return [found for v in value.values() for found in date_times(v)]
    if isinstance(value, list):
        return [found for v in value for found in date_times(v)]
    return DATE_TIME.findall(value) if isinstance(value, str) else []


def not_in_zone(written: list[str], tz) -> list[str]:
    """Those of `written` that do not carry `tz`'s offset at their instant (or carry none)."""
    wrong = []
    for text in written:
        when = datetime.fromisoformat(text)
        if when.tzinfo is None or when.utcoffset() != when.astimezone(tz).utcoffset():
            wrong.append(text)
    return wrong
