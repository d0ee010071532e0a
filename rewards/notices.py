"""Things to tell a member later, written to the outbox in the caller's transaction.

The domain records only *what* to tell (a `kind` and its `params`); the bot renders the LINE messages
when it sends, and decides then whether to send at all (blocked, erased, quiet hours, opt-in).

Kinds queued by the domain (all category "service"):
  receipt        {order_id, order, channel, store_id, amount, base_points, multiplier_pct, points, balance,
                  tier, placed_at, referral_bonus}
  tier_up        {old_tier, new_tier, spend, order_id | review_date}
  tier_down      {old_tier, new_tier, spend, review_date}            (only at the yearly review)
  refund         {order_id, channel, refund_id, amount, points_reversed, shortfall, balance, net_amount,
                  referral_points_reversed}
  referral_bonus {points, balance, friend_member_code}               (to the referrer)
  points_adjusted {delta, reason, balance}                           (a staff adjustment, with its reason)
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .models import Member, Outbox
from .timeutil import require_aware
from .tx import savepoint

CATEGORIES = ("service", "marketing")


def queue_notice(session: Session, member: Member, kind: str, category: str, params: Mapping[str, Any] | None,
                 dedup_key: str, now: datetime, not_before: datetime | None = None) -> Outbox | None:
    """Insert a pending outbox row, or return None if a row with `dedup_key` already exists."""
    require_aware(now)
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}")
    if not dedup_key or len(dedup_key) > 200:
        raise ValueError("a dedup key (1-200 chars) is required")
    if not_before is not None:
        require_aware(not_before, "not_before")
    if session.scalar(select(Outbox.id).where(Outbox.dedup_key == dedup_key)) is not None:
        return None
    row = Outbox(dedup_key=dedup_key, member_id=member.id, kind=kind, category=category,
                 params=dict(params or {}), status="pending", not_before=not_before or now, created_at=now,
                 attempts=0)
    try:
        with savepoint(session):
            session.add(row)
            session.flush()
    except IntegrityError:
        if session.scalar(select(Outbox.id).where(Outbox.dedup_key == dedup_key)) is not None:
            return None
        raise
    return row
