"""What each member has bought, as of now: orders (not fully refunded), last purchase, 12-month net
spend and first order ever. Segments and the dashboard's funnel and returning share read these.

With a nightly rollup (insights/rollups.py, cut-off C) the facts are the rollup's per-member row
plus small corrections for what changed after C, combined with UNION ALL and one GROUP BY:

  part                                         orders   last   spend                  first
  rolled up (created <= C)                     n        last   net, placed > C-12mo   first
  left the 12-month window since C             .        .      -net at C              .
  orders created after C                       n        last   amount, placed > W     first
  refunds created after C                      .        .      -amount, placed > W    .
  rolled-up orders fully refunded after C      -1       .      .                      .
  their members' last purchase, read again     .        last   .                      .

(W = now - 12 months.) Without a rollup, one aggregate over all orders gives the same numbers.
"""
from __future__ import annotations

from datetime import datetime, tzinfo

from sqlalchemy import and_, case, exists, func, literal, null, select, union_all
from sqlalchemy.orm import Session

from rewards.models import Order, Refund
from core.timeutil import add_months, require_aware

from insights.cutoff import cutoff
from insights.models import MemberPurchaseStats

NOT_REFUNDED = Order.status != "refunded"


def window_start(instant: datetime, tz: tzinfo) -> datetime:
    """12 months before `instant`, by the store's calendar."""
    return add_months(instant.astimezone(tz), -12)


def _row(member_id, orders, last, spend, first):
    return select(member_id.label("member_id"), orders.label("orders"), last.label("last_purchase"),
                  spend.label("spend_12m"), first.label("first_order_at"))


def _refunds_up_to(at: datetime):
    """Per order: refunds created up to `at`."""
    return (select(Refund.order_id, func.sum(Refund.amount).label("refunded"))
            .where(Refund.created_at <= at).group_by(Refund.order_id).subquery("refunded_by_then"))


def _net_at(at: datetime):
    refunded = _refunds_up_to(at)
    return refunded, Order.amount - func.coalesce(refunded.c.refunded, 0)


def stats_rows(at: datetime, tz: tzinfo):
    """SELECT of the rollup's per-member rows as of cut-off `at` (used to build member_purchase_stats)."""
    refunded, net = _net_at(at)
    counted = net > 0
    since = window_start(at, tz)
    return (select(Order.member_id, func.min(Order.placed_at), func.max(case((counted, Order.placed_at))),
                   func.coalesce(func.sum(case((counted, 1), else_=0)), 0),
                   func.coalesce(func.sum(case((Order.placed_at > since, net), else_=0)), 0))
            .outerjoin(refunded, refunded.c.order_id == Order.id)
            .where(Order.created_at <= at).group_by(Order.member_id))


def facts(session: Session, now: datetime, tz: tzinfo):
    """A subquery: member_id, orders, last_purchase, spend_12m, first_order_at (members with orders only)."""
    require_aware(now)
    w = window_start(now, tz)
    c = cutoff(session, tz)
    zero, nothing = literal(0), null()
    if c.at is None:
        return (select(Order.member_id.label("member_id"),
                       func.coalesce(func.sum(case((NOT_REFUNDED, 1), else_=0)), 0).label("orders"),
                       func.max(case((NOT_REFUNDED, Order.placed_at))).label("last_purchase"),
                       func.coalesce(func.sum(case((Order.placed_at > w, Order.net_amount), else_=0)), 0)
                       .label("spend_12m"),
                       func.min(Order.placed_at).label("first_order_at"))
                .group_by(Order.member_id).subquery("purchase_facts"))
    at = c.at
    s = MemberPurchaseStats
    refunded, net = _net_at(at)
    fully_refunded_since = and_(Order.created_at <= at, Order.status == "refunded",
                                exists(select(Refund.id).where(Refund.order_id == Order.id, Refund.created_at > at)))
    stale_last = select(Order.member_id).where(fully_refunded_since)
    rolled = _row(s.member_id, s.orders, case((s.member_id.in_(stale_last), nothing), else_=s.last_order_at),
                  s.spend_window, s.first_order_at)
    last_again = (_row(Order.member_id, zero, func.max(Order.placed_at), zero, nothing)
                  .where(Order.member_id.in_(stale_last), Order.created_at <= at, NOT_REFUNDED)
                  .group_by(Order.member_id))
    left_window = (_row(Order.member_id, zero, nothing, -net, nothing)
                   .outerjoin(refunded, refunded.c.order_id == Order.id)
                   .where(Order.created_at <= at, Order.placed_at > window_start(at, tz), Order.placed_at <= w))
    new_orders = (_row(Order.member_id, case((NOT_REFUNDED, 1), else_=0), case((NOT_REFUNDED, Order.placed_at)),
                       case((Order.placed_at > w, Order.amount), else_=0), Order.placed_at)
                  .where(Order.created_at > at))
    new_refunds = (_row(Order.member_id, zero, nothing, -Refund.amount, nothing)
                   .select_from(Refund).join(Order, Order.id == Refund.order_id)
                   .where(Refund.created_at > at, Order.placed_at > w))
    refunded_since = _row(Order.member_id, literal(-1), nothing, zero, nothing).where(fully_refunded_since)
    parts = union_all(rolled, last_again, left_window, new_orders, new_refunds, refunded_since).subquery("parts")
    return (select(parts.c.member_id, func.sum(parts.c.orders).label("orders"),
                   func.max(parts.c.last_purchase).label("last_purchase"),
                   func.sum(parts.c.spend_12m).label("spend_12m"),
                   func.min(parts.c.first_order_at).label("first_order_at"))
            .group_by(parts.c.member_id).subquery("purchase_facts"))
