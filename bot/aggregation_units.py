"""Which LINE aggregation unit an outbox row is sent under (`customAggregationUnits`): a broadcast's
messages carry its unit (one per A/B variant, messaging.broadcasts.unit_name), so LINE counts who
opened them and who opened a link; the worker's `line-statistics` sweep reads the counts back. Test
sends (to a staff member's own LINE) and every other kind carry none."""
from __future__ import annotations

import json
from functools import lru_cache

from messaging.broadcasts import KIND, unit_name


def unit_of(row) -> str | None:
    if row.kind != KIND or row.to_user_id:
        return None
    if isinstance(row.params_json, str):
        return _unit_in(row.params_json)
    return _unit_from(row.params_json or {})


@lru_cache(maxsize=256)
def _unit_in(params_json: str) -> str | None:
    # a broadcast's rows share their parameters: parsed once per drain's worth of them, as the
    # renders are (bot/outbox/sender.py caches those by the same string), not once per recipient
    return _unit_from(json.loads(params_json))


def _unit_from(params: dict) -> str | None:
    broadcast_id = params.get("broadcast_id")
    return unit_name(int(broadcast_id), params.get("variant") or "") if broadcast_id else None
