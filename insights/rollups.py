"""Pre-aggregation for the dashboard: a nightly cache that is exact together with a live "tail".

Orders and refunds are append-only in what the dashboard needs (an order's `amount` never changes;
a refund is a new row, and `net_amount` = amount - its refunds). So every sum over them splits at a
cut-off instant C into
  * what was created up to C  -> read from the rollup tables, built once a night, and
  * what was created after C  -> read live (a day's worth of rows, found by index on created_at).
With no rollup built yet, C is "never" and everything is read live: the rollups only make it fast.

  sales_daily            member sales per local day and store (gross, refunds) up to C
  member_purchase_stats  per member: first order, last purchase, orders, 12-month spend, up to C
                         (read through insights/purchase_facts.py)

The cut-off is a minute before the build starts, so rows being committed at that moment (created_at
a few milliseconds earlier) are already visible to the build.
"""
from __future__ import annotations

import logging

from collections import defaultdict
from datetime import date, datetime, timedelta, tzinfo

from sqlalchemy import Date, cast, delete, func, insert, literal_column, select
from sqlalchemy.orm import Session

from rewards.models import Order, Refund
from core.timeutil import require_aware

from insights import purchase_facts
from insights.models import MemberPurchaseStats, RollupState, SalesDaily
from insights.cutoff import Cutoff, cutoff  # noqa: F401 - read through rollups by the dashboard
from insights.months import bucket

ONLINE = "online"  # the "store" of orders placed online
MARGIN = timedelta(minutes=1)


log = logging.getLogger(__name__)

def store_of():
    return func.coalesce(Order.store_id, literal_column(f"'{ONLINE}'"))


# -- building ------------------------------------------------------------------------------------

def rebuild(session: Session, now: datetime, tz: tzinfo) -> str:
    """Build both rollups afresh as of a minute before `now`; returns a one-line summary."""
    require_aware(now)
    at = now - MARGIN
    session.execute(delete(SalesDaily))
    session.execute(delete(MemberPurchaseStats))
    days = _sales_by_day(session, at, tz)
    rows = [{"day": d, "store": store, "gross": g, "refunds": r} for (d, store), (g, r) in days.items()]
    for i in range(0, len(rows), 5000):
        session.execute(insert(SalesDaily), rows[i:i + 5000])
    session.execute(insert(MemberPurchaseStats).from_select(
        ["member_id", "first_order_at", "last_order_at", "orders", "spend_window"],
        purchase_facts.stats_rows(at, tz)))
    state = session.get(RollupState, 1)
    if state is None:
        session.add(RollupState(id=1, cutoff=at, timezone=str(tz), built_at=now))
    else:
        state.cutoff, state.timezone, state.built_at = at, str(tz), now
    session.flush()
    return f"rolled up {len(rows)} store-days up to {at.astimezone(tz):%Y-%m-%d %H:%M}"


def _sales_by_day(session: Session, at: datetime, tz: tzinfo) -> dict[tuple[date, str], list[int]]:
    totals: dict[tuple[date, str], list[int]] = defaultdict(lambda: [0, 0])
    if session.get_bind().dialect.name == "postgresql":
        day = cast(func.timezone(str(tz), Order.placed_at), Date)
        for d, store, gross in session.execute(
                select(day, store_of(), func.sum(Order.amount)).where(Order.created_at <= at)
                .group_by(day, store_of())):
            totals[(d, store)][0] += int(gross)
        for d, store, refunded in session.execute(
                select(day, store_of(), func.sum(Refund.amount)).join(Order, Order.id == Refund.order_id)
                .where(Refund.created_at <= at).group_by(day, store_of())):
            totals[(d, store)][1] += int(refunded)
        return totals
    # SQLite (a small shop): local days in Python, so any timezone's rules apply
    for placed, store, amount in session.execute(
            select(Order.placed_at, store_of(), Order.amount).where(Order.created_at <= at)):
        day = _local_day(placed, tz)
        if day is not None:
            totals[(day, store)][0] += amount
    for placed, store, amount in session.execute(
            select(Order.placed_at, store_of(), Refund.amount).join(Order, Order.id == Refund.order_id)
            .where(Refund.created_at <= at)):
        day = _local_day(placed, tz)
        if day is not None:
            totals[(day, store)][1] += amount
    return totals


def _local_day(placed: datetime, tz: tzinfo) -> date | None:
    """The order's local day; None (logged, left out) for a time stored before order times were checked."""
    try:
        return placed.astimezone(tz).date()
    except (OverflowError, ValueError):
        log.warning("dashboard rollups: an order time out of range left out")
        return None


def rebuild_if_due(session: Session, now: datetime, tz: tzinfo) -> str:
    """The nightly sweep: rebuild once per local day (the first run after midnight does it)."""
    state = session.get(RollupState, 1)
    if state is not None and state.timezone == str(tz) and state.built_at.astimezone(tz).date() >= now.date():
        return f"already built today at {state.built_at.astimezone(tz):%H:%M}"
    return rebuild(session, now, tz)


# -- reading ---------------------------------------------------------------------------------------

def net_sales(session: Session, bounds: list[datetime], tz: tzinfo, by_store: bool = False) -> dict:
    """Member sales (net of refunds) in each interval [bounds[i], bounds[i+1]), all at local midnights:
    {i: NT$} or {(i, store): NT$}."""
    c = cutoff(session, tz)
    totals: dict = defaultdict(int)

    def key(i, store):
        return (i, store) if by_store else i

    if c.at is not None:
        days = [b.astimezone(tz).date() for b in bounds]
        day_bucket = bucket(SalesDaily.day, days)
        cols = [day_bucket] + ([SalesDaily.store] if by_store else [])
        for *k, net in session.execute(
                select(*cols, func.sum(SalesDaily.gross - SalesDaily.refunds))
                .where(SalesDaily.day >= days[0], SalesDaily.day < days[-1]).group_by(*cols)):
            if k[0] is not None:
                totals[key(k[0], k[1] if by_store else None)] += int(net)
    placed = bucket(Order.placed_at, bounds)
    in_range = (Order.placed_at >= bounds[0], Order.placed_at < bounds[-1])
    cols = [placed] + ([store_of()] if by_store else [])
    for *k, gross in session.execute(
            select(*cols, func.sum(Order.amount)).where(*in_range, c.created_after(Order.created_at))
            .group_by(*cols)):
        if k[0] is not None:
            totals[key(k[0], k[1] if by_store else None)] += int(gross)
    for *k, refunded in session.execute(
            select(*cols, func.sum(Refund.amount)).join(Order, Order.id == Refund.order_id)
            .where(*in_range, c.created_after(Refund.created_at)).group_by(*cols)):
        if k[0] is not None:
            totals[key(k[0], k[1] if by_store else None)] -= int(refunded)
    return dict(totals)
