"""Repurchase reminders: a nudge, with content that fits, when a regular is later than usual.

A member with at least `settings.repurchase_min_orders` orders (fully refunded ones aside) buys
every so many days: the median gap between their purchase days. Once the days since their last
purchase pass `settings.repurchase_factor_pct` percent of that gap, one reminder is queued
(marketing) with the item `picks.pick` chooses, if any. Its dedup key names the last order,
`repurchase:{member_id}:{order_id}`, so there is no second one until they buy again.
"""
from __future__ import annotations

import logging

from datetime import date, datetime
from statistics import median

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rewards import notices
from rewards.models import Member, Order, Outbox
from rewards.settings import ProgramSettings
from core.timeutil import require_aware

from content import interests, picks
from core.sweep_batches import BATCH_SIZE, Batch, note_candidates

KIND = "repurchase"


log = logging.getLogger(__name__)

def usual_gap(days: list[date]) -> float | None:
    """The median number of days between consecutive purchase days (None with fewer than two days)."""
    days = sorted(set(days))
    if len(days) < 2:
        return None
    return median((b - a).days for a, b in zip(days, days[1:]))


def is_overdue(days_since: int, gap: float, settings: ProgramSettings) -> bool:
    return days_since * 100 > gap * settings.repurchase_factor_pct


def reminder_batch(session: Session, now: datetime, settings: ProgramSettings, after_id: int = 0,
                   limit: int = BATCH_SIZE) -> Batch:
    """Look at up to `limit` regulars (members with enough orders) after member id `after_id`."""
    require_aware(now)
    counted = Order.status != "refunded"
    ids = list(session.scalars(
        select(Order.member_id).where(Order.member_id > after_id, counted)
        .group_by(Order.member_id).having(func.count() >= settings.repurchase_min_orders)
        .order_by(Order.member_id).limit(limit)))
    note_candidates(session, ids)
    if not ids:
        return Batch(0, 0, after_id, False)
    reachable = set(session.scalars(
        select(Member.id).where(Member.id.in_(ids), Member.status == "member", Member.marketing_opt_in.is_(True),
                                Member.is_blocked.is_(False), Member.line_user_id.is_not(None))))
    orders: dict[int, list[tuple[int, datetime]]] = {}
    for member_id, order_id, placed_at in session.execute(
            select(Order.member_id, Order.id, Order.placed_at).where(Order.member_id.in_(reachable), counted)
            .order_by(Order.member_id, Order.placed_at, Order.id)):
        orders.setdefault(member_id, []).append((order_id, placed_at))
    today = now.date()
    due: dict[int, tuple[int, int]] = {}  # member id -> (last order id, days since)
    for member_id, placed in orders.items():
        try:
            days = [at.astimezone(now.tzinfo).date() for _, at in placed]
        except (OverflowError, ValueError):  # an order time stored before times were checked: skip the member
            log.warning("repurchase: member %s skipped: an order time out of range", member_id)
            continue
        gap = usual_gap(days)
        last_id, last_at = placed[-1]
        days_since = (today - days[-1]).days
        if gap and is_overdue(days_since, gap, settings):
            due[member_id] = (last_id, days_since)
    keys = {f"{KIND}:{member_id}:{last_id}": member_id for member_id, (last_id, _) in due.items()}
    queued_before = (set(session.scalars(select(Outbox.dedup_key).where(Outbox.dedup_key.in_(list(keys)))))
                     if keys else set())
    waiting = [member_id for key, member_id in keys.items() if key not in queued_before]
    rows = []
    if waiting:
        items = picks.live_items(session, now)
        liked = interests.interests_of(session, waiting, now)
        sent = picks.sent_content(session, waiting)
        for member_id in waiting:
            last_id, days_since = due[member_id]
            item = picks.pick(items, liked[member_id], sent[member_id])
            params = {"days_since": days_since, **(picks.snapshot(item) if item is not None else {})}
            rows.append(notices.outbox_row(member_id, KIND, "marketing", params, f"{KIND}:{member_id}:{last_id}", now))
    notices.queue_rows(session, rows)
    return Batch.of(ids, len(rows), limit, after_id)
