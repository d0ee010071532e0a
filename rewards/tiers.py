"""Membership tiers from rolling 12-month net spend.

* Up at once: `evaluate_upgrade` runs after each order; crossing a threshold upgrades the member and
  queues a `tier_up` notice.
* Down only at the yearly review (00:00 on the 1st of `settings.tier_review_month`, in the timezone
  of `now`): `yearly_review` compares each member's tier with the spend of the 12 months before that
  instant. It runs at most once per review (an `audit_log` row marks it done) and only during the
  review month, so a worker that was down on the 1st catches up, but nobody is downgraded mid-year.
  A member upgraded after the review instant is never downgraded by a late run.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from . import audit, notices
from .models import AuditLog, Member, Order
from .settings import ProgramSettings, Tier
from core.timeutil import add_months, local_midnight, require_aware, review_dates
from .tx import isolated, lock_member

if TYPE_CHECKING:
    from core.sweep_batches import Skips


@dataclass(frozen=True)
class TierChange:
    member_id: int
    old: str
    new: str
    spend: int


@dataclass(frozen=True)
class TierStatus:
    tier: Tier
    spend: int                    # net spend in the rolling window ending now
    next_tier: Tier | None
    spend_to_next: int | None     # NT$ still needed to reach next_tier (None at the top)
    next_review: date             # the next yearly review
    spend_counted_at_review: int  # spend already made that the next review will count
    spend_to_keep: int            # NT$ still needed before the next review to keep `tier` (0: kept)

    @property
    def keeps_tier(self) -> bool:
        return self.spend_to_keep == 0


@dataclass(frozen=True)
class ReviewSummary:
    review_date: date
    ran: bool
    note: str = ""
    reviewed: int = 0
    upgraded: int = 0
    downgraded: int = 0
    unchanged: int = 0


def ordered_tiers(settings: ProgramSettings) -> list[Tier]:
    return sorted(settings.tiers, key=lambda t: t.threshold)


def tier_rank(settings: ProgramSettings, code: str) -> int:
    for i, t in enumerate(ordered_tiers(settings)):
        if t.code == code:
            return i
    return 0


def window_start(as_of: datetime, settings: ProgramSettings) -> datetime:
    return add_months(as_of, -settings.tier_window_months)


def spend_in_window(session: Session, member_id: int, as_of: datetime, settings: ProgramSettings,
                    until: datetime | None = None) -> int:
    """Net spend (after refunds) of orders placed after `as_of` minus the window; `until` bounds it
    above (the yearly review counts up to its instant; live evaluation counts everything)."""
    params = {"spend_member": member_id, "spend_since": window_start(as_of, settings)}
    if until is None:  # every order's path: the statement built once
        return int(session.scalar(SPEND, params))
    return int(session.scalar(SPEND.where(Order.placed_at <= until), params))


SPEND = select(func.coalesce(func.sum(Order.net_amount), 0)).where(
    Order.member_id == bindparam("spend_member"), Order.placed_at > bindparam("spend_since"))


def _period_key(now: datetime, settings: ProgramSettings) -> str:
    return review_dates(now, settings.tier_review_month)[0].isoformat()


def tier_up_key(member_id: int, tier: str, now: datetime, settings: ProgramSettings) -> str:
    """The dedup key of a tier_up notice: one per member, tier and review period."""
    return f"tier_up:{member_id}:{tier}:{_period_key(now, settings)}"


def evaluate_upgrade(session: Session, member: Member, now: datetime, settings: ProgramSettings,
                     order: Order | None = None, notify: bool = True) -> TierChange | None:
    """Upgrade the member at once if their rolling spend reached a higher tier; never downgrades.
    `notify=False` (imports of history): no tier_up notice is queued."""
    require_aware(now)
    session.flush()
    lock_member(session, member.id)  # concurrent orders of one member: the later one sees the earlier
    session.refresh(member, ["tier", "tier_since"])
    spend = spend_in_window(session, member.id, now, settings)
    target = upgrade_target(member.tier, spend, settings)
    if target is None:
        return None
    return apply_upgrade(session, member, target, spend, now, settings, order, notify)


def upgrade_target(tier: str, spend: int, settings: ProgramSettings) -> Tier | None:
    """The tier a member holding `tier` moves up to at once with this rolling spend, or None."""
    target = settings.tier_for_spend(spend)
    return target if tier_rank(settings, target.code) > tier_rank(settings, tier) else None


def apply_upgrade(session: Session, member: Member, target: Tier, spend: int, now: datetime,
                  settings: ProgramSettings, order: Order | None = None, notify: bool = True) -> TierChange:
    """Move the member (whose row the caller has locked) up to `target` as of `now`, with the
    tier_up notice unless not `notify`: one UPDATE, no re-read."""
    old = member.tier
    session.execute(update(Member).where(Member.id == member.id).values(tier=target.code, tier_since=now)
                    .execution_options(synchronize_session=False))
    set_committed_value(member, "tier", target.code)
    set_committed_value(member, "tier_since", now)
    change = TierChange(member.id, old, target.code, spend)
    if notify:
        queue_tier_up(session, member, change, now, settings, order)
    return change


def queue_tier_up(session: Session, member: Member, change: TierChange, now: datetime, settings: ProgramSettings,
                  order: Order | None = None) -> None:
    """The tier_up notice of `change` (once per member, tier and review period). An order's caller
    queues it after the order's receipt: a member reads the receipt before what it caused."""
    notices.queue_notice(session, member, "tier_up", "service",
                         {"old_tier": change.old, "new_tier": change.new, "spend": change.spend,
                          "order_id": order.external_id if order is not None else None},
                         tier_up_key(member.id, change.new, now, settings), now)


def yearly_review(session: Session, now: datetime, settings: ProgramSettings,
                  actor: str = "system", skips: Skips | None = None) -> ReviewSummary:
    """The yearly tier review (see the module's doc). Safe to run any number of times. With `skips`,
    a member whose change fails keeps their tier and is skipped (rewards.tx.isolated)."""
    require_aware(now)
    review_day, _next = review_dates(now, settings.tier_review_month)
    if now.date() >= add_months(review_day, 1):
        return ReviewSummary(review_day, False, "not the review month")
    target_key = f"review:{review_day.isoformat()}"
    if session.scalar(select(AuditLog.id).where(AuditLog.action == "tier_review",
                                                AuditLog.target == target_key).limit(1)) is not None:
        return ReviewSummary(review_day, False, "already done")
    review_at = local_midnight(review_day, now)
    spends = (select(Order.member_id.label("mid"), func.sum(Order.net_amount).label("spend"))
              .where(Order.placed_at > window_start(review_at, settings), Order.placed_at <= review_at)
              .group_by(Order.member_id).subquery())
    base = ordered_tiers(settings)[0].code
    candidates = session.execute(
        select(Member.id, Member.tier, Member.tier_since, func.coalesce(spends.c.spend, 0), Member.tier_until)
        .outerjoin(spends, spends.c.mid == Member.id)
        .where(Member.status == "member", (Member.tier != base) | (spends.c.spend > 0))
        .order_by(Member.id)).all()
    moved = {"tier_up": 0, "tier_down": 0}
    same = 0
    for member_id, tier, tier_since, spend, tier_until in candidates:
        spend = int(spend)
        target = settings.tier_for_spend(spend)
        have, want = tier_rank(settings, tier), tier_rank(settings, target.code)
        kept = tier_until is not None and tier_until >= review_day  # brought from another programme
        if want < have and not kept and (tier_since is None or tier_since < review_at):
            kind = "tier_down"
        elif want > have:
            kind = "tier_up"
        else:
            same += 1
            continue
        with isolated(session, skips, member_id):
            if _move(session, member_id, tier, target.code, kind, spend, review_day, review_at, now):
                moved[kind] += 1
            else:
                same += 1
    up, down = moved["tier_up"], moved["tier_down"]
    summary = ReviewSummary(review_day, True, "", len(candidates), up, down, same)
    audit.record(session, actor, "tier_review", target_key,
                 {"reviewed": summary.reviewed, "upgraded": up, "downgraded": down, "unchanged": same}, now)
    return summary


def _move(session: Session, member_id: int, tier: str, target: str, kind: str, spend: int, review_day: date,
          review_at: datetime, now: datetime) -> bool:
    """One member's change at the review, and its notice; False if the tier changed meanwhile."""
    changed = session.execute(
        update(Member).where(Member.id == member_id, Member.tier == tier)
        .values(tier=target, tier_since=review_at if kind == "tier_down" else now)
        .execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        return False
    member = session.get(Member, member_id)
    session.refresh(member, ["tier", "tier_since"])
    params = {"old_tier": tier, "new_tier": target, "spend": spend, "review_date": review_day.isoformat()}
    key = (f"tier_down:{member_id}:{review_day.isoformat()}" if kind == "tier_down"
           else f"tier_up:{member_id}:{target}:{review_day.isoformat()}")
    notices.queue_notice(session, member, kind, "service", params, key, now)
    return True


def tier_status(session: Session, member: Member, now: datetime, settings: ProgramSettings) -> TierStatus:
    """Where the member stands: tier, spend, the next tier and what it takes, and what keeps the
    current tier at the next review (spend already made that the review will count vs. threshold)."""
    require_aware(now)
    tier = settings.tier(member.tier)
    spend = spend_in_window(session, member.id, now, settings)
    nxt = settings.next_tier(tier.code)
    _last, next_review = review_dates(now, settings.tier_review_month)
    counted = spend_in_window(session, member.id, local_midnight(next_review, now), settings)
    # a tier brought from another programme holds through its tier_until whatever the spend
    kept = member.tier_until is not None and member.tier_until >= next_review
    return TierStatus(tier=tier, spend=spend, next_tier=nxt,
                      spend_to_next=max(0, nxt.threshold - spend) if nxt else None,
                      next_review=next_review, spend_counted_at_review=counted,
                      spend_to_keep=0 if kept else max(0, tier.threshold - counted))
