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

from sqlalchemy import literal
from sqlalchemy.orm import Session

from core.bulk import insert_new, insert_select_new

from .models import Member, Outbox
from core.timeutil import require_aware

CATEGORIES = ("service", "marketing")
# what an INSERT ... SELECT gives, in this order (see `queue_select`)
SELECT_COLUMNS = ("dedup_key", "member_id", "params")


def _check(kind: str, category: str, now: datetime, not_before: datetime | None) -> None:
    require_aware(now)
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}")
    if not kind or len(kind) > 40:
        raise ValueError("a kind (1-40 chars) is required")
    if not_before is not None:
        require_aware(not_before, "not_before")


def _check_key(dedup_key: str) -> None:
    if not dedup_key or len(dedup_key) > 200:
        raise ValueError("a dedup key (1-200 chars) is required")


def outbox_row(member_id: int | None, kind: str, category: str, params: Mapping[str, Any] | None, dedup_key: str,
               now: datetime, not_before: datetime | None = None, campaign_id: int | None = None,
               to_user_id: str | None = None) -> dict:
    """The one shape of a new (pending) outbox row, as the values of an INSERT."""
    _check(kind, category, now, not_before)
    _check_key(dedup_key)
    return dict(dedup_key=dedup_key, member_id=member_id, to_user_id=to_user_id, kind=kind, category=category,
                params=dict(params or {}), campaign_id=campaign_id, status="pending", not_before=not_before or now,
                created_at=now)


def queue_rows(session: Session, rows: list[dict], returning: tuple = ()) -> list:
    """Insert rows built by `outbox_row` in one statement; a dedup key already there is skipped.
    Without `returning` (an order's receipt), a Core INSERT: the ORM's bulk path is not needed to
    write rows it is not asked to read back, and costs more in Python than the statement does."""
    return insert_new(session, Outbox if returning else Outbox.__table__, rows, returning=returning)


def queue_select(session: Session, select, kind: str, category: str, now: datetime,
                 not_before: datetime | None = None, campaign_id: int | None = None) -> int:
    """INSERT ... SELECT the pending rows of a SELECT giving (dedup_key, member_id, params), in one
    statement; rows whose dedup key is already there are skipped. Returns how many were written."""
    _check(kind, category, now, not_before)
    fixed = [literal(kind).label("kind"), literal(category).label("category"),
             literal(campaign_id).label("campaign_id"), literal("pending").label("status"),
             literal(not_before or now, Outbox.not_before.type).label("not_before"),
             literal(now, Outbox.created_at.type).label("created_at")]
    rows = select.add_columns(*fixed)
    return insert_select_new(session, Outbox, [*SELECT_COLUMNS, "kind", "category", "campaign_id", "status",
                                               "not_before", "created_at"], rows)


def queue_notice(session: Session, member: Member, kind: str, category: str, params: Mapping[str, Any] | None,
                 dedup_key: str, now: datetime, not_before: datetime | None = None) -> Outbox | None:
    """Insert a pending outbox row, or return None if a row with `dedup_key` already exists
    (one INSERT ... ON CONFLICT DO NOTHING RETURNING: no savepoint, no look-up first)."""
    row = outbox_row(member.id, kind, category, params, dedup_key, now, not_before)
    inserted = queue_rows(session, [row], returning=(Outbox,))
    return inserted[0][0] if inserted else None
