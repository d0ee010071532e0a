"""LINE's own counts of a broadcast: how many users opened it and opened a link in it, per aggregation
unit (each send carries the broadcast's unit, one per A/B variant: broadcasts.unit_name). The
`line-statistics` sweep asks LINE for every broadcast sent in the last 30 days (LINE's window for
one request) and keeps the answer with the broadcast. LINE gives no figure under 20 users: such a
figure is kept as None and the console says so.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from messaging.broadcasts import unit_name, variant_keys
from messaging.models import Broadcast

LINE_DAYS = ZoneInfo("Asia/Tokyo")  # LINE's statistics days are in UTC+9
WINDOW = timedelta(days=30)


@dataclass(frozen=True)
class Ask:
    broadcast_id: int
    unit: str
    first_day: str  # yyyyMMdd, UTC+9
    last_day: str


def _day(at: datetime) -> str:
    return at.astimezone(LINE_DAYS).strftime("%Y%m%d")


def due(session: Session, now: datetime) -> list[Ask]:
    """The units to ask LINE about: those of broadcasts queued within the last 30 days."""
    asks = []
    for b in session.scalars(select(Broadcast).where(Broadcast.status.in_(("queued", "cancelled")),
                                                     Broadcast.queued_at.is_not(None),
                                                     Broadcast.queued_at >= now - WINDOW).order_by(Broadcast.id)):
        first = b.queued_at
        last = min(now, first + WINDOW - timedelta(days=1))
        for key in variant_keys(b):
            asks.append(Ask(b.id, unit_name(b.id, key), _day(first), _day(last)))
    return asks


def record(session: Session, broadcast_id: int, unit: str, opens: int | None, clicks: int | None,
           now: datetime) -> None:
    b = session.get(Broadcast, broadcast_id)
    if b is None:
        return
    b.line_stats = dict(b.line_stats or {}) | {unit: {"opens": opens, "clicks": clicks, "checked_at": now.isoformat()}}


def by_variant(b: Broadcast) -> dict[str, dict]:
    """{variant key ("" without a test): {"opens", "clicks", "checked_at"}} as last read from LINE."""
    stats = b.line_stats or {}
    return {key: stats[unit_name(b.id, key)] for key in variant_keys(b) if unit_name(b.id, key) in stats}
