"""What the dashboard shows besides the four measures: the funnel by join month, members over time,
tier mix, RFM segments, the share of sales from returning members, and broadcast results."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from rewards.models import Member, Order

from insights import purchase_facts, rollups
from insights.months import Month, bucket


@dataclass(frozen=True)
class FunnelRow:
    month: str  # the month they became LINE friends
    friends: int
    members: int
    first_purchase: int
    repeat_buyers: int
    blocked: int


@dataclass(frozen=True)
class ReturningShare:
    month: str
    sales: int
    returning_sales: int  # by members who had bought before the month

    @property
    def share(self) -> float | None:
        return self.returning_sales / self.sales if self.sales else None


def funnel(session: Session, months: list[Month], tz: tzinfo) -> list[FunnelRow]:
    """For the LINE friends first seen in each month: how many joined, bought, bought again, blocked."""
    bounds = [months[0].start(tz)] + [m.end(tz) for m in months]
    cohort = bucket(Member.created_at, bounds).label("cohort")
    bought = purchase_facts.facts(session, months[-1].end(tz), tz)
    n = func.coalesce(bought.c.orders, 0)

    def total(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    q = (select(cohort, func.count(), total(Member.joined_at.is_not(None)), total(n >= 1), total(n >= 2),
                total(Member.is_blocked.is_(True)))
         .outerjoin(bought, bought.c.member_id == Member.id))
    rows = session.execute(q.where(Member.created_at >= bounds[0], Member.created_at < bounds[-1])
                           .group_by(cohort)).all()
    found = {r[0]: r[1:] for r in rows if r[0] is not None}
    return [FunnelRow(str(m), *(int(v) for v in found.get(i, (0, 0, 0, 0, 0)))) for i, m in enumerate(months)]


def tier_mix(session: Session) -> dict[str, int]:
    return {tier: int(n) for tier, n in session.execute(
        select(Member.tier, func.count()).where(Member.status == "member").group_by(Member.tier))}


def returning_share(session: Session, month: Month, tz: tzinfo) -> ReturningShare:
    """Of the month's member sales, how much came from members who had ordered before the month:
    all sales minus those of the month's new buyers (whose first order ever falls in the month)."""
    start, end = month.start(tz), month.end(tz)
    total = rollups.net_sales(session, [start, end], tz).get(0, 0)
    bought = purchase_facts.facts(session, end, tz)
    new_buyers = select(bought.c.member_id).where(bought.c.first_order_at >= start, bought.c.first_order_at < end)
    newcomers = session.scalar(select(func.coalesce(func.sum(Order.net_amount), 0))
                               .where(Order.member_id.in_(new_buyers), Order.placed_at >= start,
                                      Order.placed_at < end))
    return ReturningShare(str(month), int(total), int(total) - int(newcomers))
