"""The results that matter of a queued broadcast: delivered, skipped by reason, clicks on its links,
unsubscribes and blocks within 3 days and the orders and revenue of recipients within 7 days, with
the same for its hold-out (members of the segment kept out on purpose), so staff see what it added.

Recipients are measured from the moment their message was sent; the hold-out from the moment their
(never sent) row was written, which is when the others' messages started going.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import and_, func, literal_column, select
from sqlalchemy.orm import Session

from rewards.models import Member, Outbox
from rewards.outbox_state import FROM_, STATE

from insights.attribution import After, after
from messaging import ab_split, ab_stats
from messaging import broadcasts as bc
from messaging import short_links
from messaging.models import Broadcast


@dataclass(frozen=True)
class VariantResult:
    """One variant of an A/B test: its members, what reached them and what they did, with intervals."""
    key: str
    share: int
    members: int  # assigned to it when the broadcast was split
    delivered: int
    clicks: int
    after: After
    click_rate: ab_stats.Interval | None  # clicks per delivered message (a member may click twice)
    buyer_rate: ab_stats.Interval | None
    revenue_per_member: ab_stats.Interval | None
    vs_a: ab_stats.Interval | None = None  # revenue per member minus A's
    verdict_vs_a: str = ""
    vs_holdout: ab_stats.Interval | None = None  # revenue per member minus the hold-out's
    verdict_vs_holdout: str = ""


@dataclass(frozen=True)
class Earned:
    delivered: int
    skipped: dict[str, int]  # reason -> members (the hold-out not among them)
    clicks: int
    recipients: After
    holdout: After
    variants: list[VariantResult] = field(default_factory=list)
    split: dict | None = None  # the exact split (messaging/ab_split.py), None for an older broadcast

    @property
    def added(self) -> ab_stats.Interval | None:
        """The revenue the broadcast added, with its 95% interval (the per-member difference times the
        recipients)."""
        diff = ab_stats.difference(_spread(self.recipients), _spread(self.holdout))
        if diff is None:
            return None
        n = self.recipients.members
        return ab_stats.Interval(diff.value * n, diff.low * n, diff.high * n)

    @property
    def added_verdict(self) -> str:
        """"too_few" until both groups are big enough to tell; then higher / lower / unclear."""
        return ab_stats.verdict(self.recipients.members, self.holdout.members,
                                ab_stats.difference(_spread(self.recipients), _spread(self.holdout)))

    @property
    def added_revenue(self) -> float | None:
        """Revenue the broadcast added: recipients' revenue minus what they would have spent at the
        hold-out's rate (None without a hold-out)."""
        if not self.holdout.members:
            return None
        return self.recipients.revenue - self.holdout.revenue_per_member * self.recipients.members


def earned(session: Session, broadcast_id: int, now: datetime) -> Earned:
    base = bc.results(session, broadcast_id)
    skipped = {reason: n for reason, n in base.skipped.items() if reason != bc.HOLDOUT}
    rows = session.execute(select(Outbox.member_id, STATE.status, Outbox.skip_reason, STATE.sent_at,
                                  Outbox.created_at).select_from(FROM_)
                           .where(Outbox.campaign_id == broadcast_id, Outbox.kind == bc.KIND)).all()
    sent = [(mid, at) for mid, status, _, at, _ in rows if status == "sent"]
    held = [(mid, created) for mid, status, reason, _, created in rows
            if status == "skipped" and reason == bc.HOLDOUT]
    b = session.get(Broadcast, broadcast_id)
    held_after = after(session, held, now)
    return Earned(base.sent, skipped, short_links.clicks(session, broadcast_id), after(session, sent, now),
                  held_after, _variants(session, b, rows, held_after, now) if b is not None else [],
                  b.split if b is not None else None)


def _spread(a: After) -> tuple[float, float, int]:
    return a.revenue, a.revenue_sq, a.members


def _variants(session: Session, b: Broadcast, rows, held: After, now: datetime) -> list[VariantResult]:
    if not b.variants or not b.split:
        return []
    ranges = ab_split.ranges(b.split)
    sizes = {g["key"]: g["members"] for g in b.split["groups"]}

    def group(member_id: int) -> str:
        h = ab_split.h_of(member_id, b.id)
        return next((key for key, low, high in ranges if low <= h < high), "")

    clicks = short_links.clicks_by_variant(session, b.id)
    out: list[VariantResult] = []
    for v in b.variants:
        key = v["key"]
        sent = [(mid, at) for mid, status, _, at, _ in rows if status == "sent" and group(mid) == key]
        a = after(session, sent, now)
        n = len(sent)
        c = clicks.get(key, 0)
        result = VariantResult(key, int(v["share"]), sizes.get(key, 0), n, c, a,
                               ab_stats.wilson(min(c, n), n), ab_stats.wilson(a.buyers, a.members),
                               ab_stats.mean(a.revenue, a.revenue_sq, a.members))
        if held.members:
            d = ab_stats.difference(_spread(a), _spread(held))
            result = replace(result, vs_holdout=d, verdict_vs_holdout=ab_stats.verdict(a.members, held.members, d))
        if out:
            first = out[0].after
            d = ab_stats.difference(_spread(a), _spread(first))
            result = replace(result, vs_a=d, verdict_vs_a=ab_stats.verdict(a.members, first.members, d))
        out.append(result)
    return out


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


def _within_a_day(later, earlier, dialect: str):
    if dialect == "postgresql":
        return and_(later >= earlier, later < earlier + literal_column("interval '24 hours'"))
    return and_(later >= earlier, func.julianday(later) - func.julianday(earlier) < 1)


def latest(session: Session, limit: int = 10) -> list[BroadcastResult]:
    """The latest queued broadcasts: messages sent, and recipients who blocked the account within 24 h."""
    dialect = session.get_bind().dialect.name
    recent = list(session.scalars(select(Broadcast).where(Broadcast.status == "queued")
                                  .order_by(Broadcast.queued_at.desc(), Broadcast.id.desc()).limit(limit)))
    if not recent:
        return []
    ids = [b.id for b in recent]
    sent = {cid: int(n) for cid, n in session.execute(
        select(Outbox.campaign_id, func.count()).select_from(FROM_)
        .where(Outbox.campaign_id.in_(ids), STATE.status == "sent")
        .group_by(Outbox.campaign_id))}
    blocked = {cid: int(n) for cid, n in session.execute(
        select(Outbox.campaign_id, func.count()).select_from(FROM_.join(Member, Member.id == Outbox.member_id))
        .where(Outbox.campaign_id.in_(ids), STATE.status == "sent", Member.is_blocked.is_(True),
               _within_a_day(Member.blocked_at, STATE.sent_at, dialect))
        .group_by(Outbox.campaign_id))}
    return [BroadcastResult(b.id, b.name, b.queued_at, b.recipients or 0, sent.get(b.id, 0), blocked.get(b.id, 0))
            for b in recent]
