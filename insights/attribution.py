"""What members did after a message: for a group of (member, the instant they got it, or would have),
how many unsubscribed or blocked the account within 3 days, and their orders and revenue within 7
days. Used for broadcast results (recipients against the hold-out) and the journey's steps.

Revenue is the orders' net amount (after refunds); fully refunded orders do not count as orders.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from rewards.models import Member, Order

LEAVE_WINDOW = timedelta(days=3)
BUY_WINDOW = timedelta(days=7)
CHUNK = 1000


@dataclass(frozen=True)
class After:
    members: int = 0
    unsubscribed: int = 0  # within 3 days
    blocked: int = 0  # within 3 days
    buyers: int = 0  # members with an order within 7 days
    orders: int = 0
    revenue: int = 0  # NT$
    revenue_sq: int = 0  # the sum over members of (their revenue)^2: the spread, for confidence intervals

    def per_member(self, value: int) -> float | None:
        return value / self.members if self.members else None

    @property
    def buyer_rate(self) -> float | None:
        return self.per_member(self.buyers)

    @property
    def revenue_per_member(self) -> float | None:
        return self.per_member(self.revenue)


def after(session: Session, group: Iterable[tuple[int, datetime]], now: datetime) -> After:
    """The figures for `group`, counting only what happened before `now`."""
    starts = {}
    for member_id, at in group:
        if member_id is not None and at is not None:
            starts[member_id] = min(at, starts.get(member_id, at))
    if not starts:
        return After()
    unsub = blocked = buyers = orders = revenue = revenue_sq = 0
    ids = sorted(starts)
    for i in range(0, len(ids), CHUNK):
        part = ids[i:i + CHUNK]
        for mid, opt_in, changed, is_blocked, blocked_at in session.execute(
                select(Member.id, Member.marketing_opt_in, Member.opt_in_changed_at, Member.is_blocked,
                       Member.blocked_at).where(Member.id.in_(part))):
            start = starts[mid]
            if not opt_in and changed is not None and start <= changed < min(start + LEAVE_WINDOW, now):
                unsub += 1
            if is_blocked and blocked_at is not None and start <= blocked_at < min(start + LEAVE_WINDOW, now):
                blocked += 1
        earliest = min(starts[m] for m in part)
        bought: set[int] = set()
        spent: dict[int, int] = {}
        for mid, placed, net, status in session.execute(
                select(Order.member_id, Order.placed_at, Order.net_amount, Order.status)
                .where(Order.member_id.in_(part), Order.placed_at >= earliest)):
            start = starts[mid]
            if status != "refunded" and start <= placed < min(start + BUY_WINDOW, now):
                orders += 1
                revenue += int(net or 0)
                spent[mid] = spent.get(mid, 0) + int(net or 0)
                bought.add(mid)
        buyers += len(bought)
        revenue_sq += sum(v * v for v in spent.values())
    return After(len(starts), unsub, blocked, buyers, orders, revenue, revenue_sq)
