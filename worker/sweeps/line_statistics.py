"""Opens and clicks from LINE: for each broadcast sent in the last 30 days, LINE's statistics per
aggregation unit (messaging/line_statistics.py). A unit LINE will not answer for now is tried at the
next run; the others are recorded."""
from __future__ import annotations

import logging

from bot.line_client import LineApiError
from messaging import line_statistics

log = logging.getLogger(__name__)


def run(rt, now) -> str:
    if rt.config.LINE_AGGREGATION_UNITS != "yes":
        return "off (LINE_AGGREGATION_UNITS=no)"
    asks = rt.db.run(lambda session: line_statistics.due(session, now))
    read, failed = 0, 0
    for ask in asks:
        try:
            figures = rt.line.unit_statistics(ask.unit, ask.first_day, ask.last_day)
        except LineApiError as exc:
            failed += 1
            log.warning("LINE statistics of unit %s not read: %s", ask.unit, exc)
            continue
        rt.db.run(lambda session, ask=ask, figures=figures: line_statistics.record(
            session, ask.broadcast_id, ask.unit, figures["opens"], figures["clicks"], now), write=True)
        read += 1
    return f"read {read} units" + (f", {failed} not answered" if failed else "") if asks else "nothing to read"
