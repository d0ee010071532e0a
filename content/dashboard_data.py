"""What the dashboard shows besides the four measures: the funnel by join month, members over time,
tier mix, RFM segments, the share of sales from returning members, and broadcast results."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta, tzinfo

from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import Session, aliased

from rewards.models import Member, Order, Outbox

from .models import Broadcast
from .months import Month, bucket


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


@dataclass(frozen=True)
class BroadcastResult:
    id: int
    name: str
    queued_at: object
    recipients: int
    sent: int
    blocked_within_24h: int

    @property
    def block_rate(self) -> float | None:
        return self.blocked_within_24h / self.sent if self.sent else None


def funnel(session: Session, months: list[Month], tz: tzinfo) -> list[FunnelRow]:
    """For the LINE friends first seen in each month: how many joined, bought, bought again, blocked."""
    bounds = [months[0].start(tz)] + [m.end(tz) for m in months]
    cohort = bucket(Member.created_at, bounds).label("cohort")
    counted = (select(Order.member_id, func.count().label("n"))
               .join(Member, Member.id == Order.member_id)
               .where(Order.status != "refunded", Member.created_at >= bounds[0], Member.created_at < bounds[-1])
               .group_by(Order.member_id).subquery())
    n = func.coalesce(counted.c.n, 0)

    def total(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    rows = session.execute(
        select(cohort, func.count(), total(Member.joined_at.is_not(None)), total(n >= 1), total(n >= 2),
               total(Member.is_blocked.is_(True)))
        .outerjoin(counted, counted.c.member_id == Member.id)
        .where(Member.created_at >= bounds[0], Member.created_at < bounds[-1])
        .group_by(cohort)).all()
    found = {r[0]: r[1:] for r in rows if r[0] is not None}
    return [FunnelRow(str(m), *(int(v) for v in found.get(i, (0, 0, 0, 0, 0)))) for i, m in enumerate(months)]


def tier_mix(session: Session) -> dict[str, int]:
    return {tier: int(n) for tier, n in session.execute(
        select(Member.tier, func.count()).where(Member.status == "member").group_by(Member.tier))}


def returning_share(session: Session, month: Month, tz: tzinfo) -> ReturningShare:
    start, end = month.start(tz), month.end(tz)
    earlier = aliased(Order)
    returning = exists(select(earlier.id).where(earlier.member_id == Order.member_id, earlier.placed_at < start))
    sales, back = session.execute(
        select(func.coalesce(func.sum(Order.net_amount), 0),
               func.coalesce(func.sum(case((returning, Order.net_amount), else_=0)), 0))
        .where(Order.placed_at >= start, Order.placed_at < end)).one()
    return ReturningShare(str(month), int(sales), int(back))


def _within_a_day(later, earlier, dialect: str):
    if dialect == "postgresql":
        return and_(later >= earlier, later < earlier + timedelta(hours=24))
    return and_(later >= earlier, func.julianday(later) - func.julianday(earlier) < 1)


def broadcast_results(session: Session, limit: int = 10) -> list[BroadcastResult]:
    """The latest queued broadcasts: messages sent, and recipients who blocked the account within 24 h."""
    dialect = session.get_bind().dialect.name
    recent = list(session.scalars(select(Broadcast).where(Broadcast.status == "queued")
                                  .order_by(Broadcast.queued_at.desc(), Broadcast.id.desc()).limit(limit)))
    if not recent:
        return []
    ids = [b.id for b in recent]
    sent = {cid: int(n) for cid, n in session.execute(
        select(Outbox.campaign_id, func.count()).where(Outbox.campaign_id.in_(ids), Outbox.status == "sent")
        .group_by(Outbox.campaign_id))}
    blocked = {cid: int(n) for cid, n in session.execute(
        select(Outbox.campaign_id, func.count()).join(Member, Member.id == Outbox.member_id)
        .where(Outbox.campaign_id.in_(ids), Outbox.status == "sent", Member.is_blocked.is_(True),
               _within_a_day(Member.blocked_at, Outbox.sent_at, dialect))
        .group_by(Outbox.campaign_id))}
    return [BroadcastResult(b.id, b.name, b.queued_at, b.recipients or 0, sent.get(b.id, 0), blocked.get(b.id, 0))
            for b in recent]
