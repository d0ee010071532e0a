"""Which LINE aggregation unit an outbox row is sent under (`customAggregationUnits`): a broadcast's
messages carry its unit (one per A/B variant, messaging.broadcasts.unit_name), so LINE counts who
opened them and who opened a link; the worker's `line-statistics` sweep reads the counts back. Test
sends (to a staff member's own LINE) and every other kind carry none."""
from __future__ import annotations

import json

from messaging.broadcasts import KIND, unit_name


def unit_of(row) -> str | None:
    if row.kind != KIND or row.to_user_id:
        return None
    params = json.loads(row.params_json) if isinstance(row.params_json, str) else (row.params_json or {})
    broadcast_id = params.get("broadcast_id")
    return unit_name(int(broadcast_id), params.get("variant") or "") if broadcast_id else None
