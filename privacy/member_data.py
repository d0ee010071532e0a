"""Everything the programme holds about one member: for the staff profile page and the data export."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from core import formats
from rewards import account_links, outbox_state
from rewards.models import Coupon, Member, MemberImport, Order, Outbox, PointsLedger, PointsSpend
from rewards.settings import ProgramSettings
from rewards.tiers import TierStatus, tier_status

from insights import survey_reports
from insights.models import RfmScore


@dataclass
class MemberProfile:
    member: Member
    tier: TierStatus | None
    ledger: list[PointsLedger]
    orders: list[Order]
    order_count: int
    lifetime_spend: int
    coupons: list[Coupon]
    messages: list[Outbox]
    rfm: RfmScore | None
    survey_answers: list[dict]


def profile(session: Session, member: Member, now: datetime, settings: ProgramSettings,
            limit: int = 50) -> MemberProfile:
    order_count, spend = session.execute(
        select(func.count(), func.coalesce(func.sum(Order.net_amount), 0)).where(Order.member_id == member.id)).one()
    return MemberProfile(
        member=member,
        tier=tier_status(session, member, now, settings) if member.status == "member" else None,
        ledger=list(session.scalars(select(PointsLedger).where(PointsLedger.member_id == member.id)
                                    .order_by(PointsLedger.created_at.desc(), PointsLedger.id.desc()).limit(limit))),
        orders=list(session.scalars(select(Order).where(Order.member_id == member.id)
                                    .order_by(Order.placed_at.desc(), Order.id.desc()).limit(limit))),
        order_count=int(order_count), lifetime_spend=int(spend),
        coupons=list(session.scalars(select(Coupon).where(Coupon.member_id == member.id)
                                     .order_by(Coupon.created_at.desc(), Coupon.id.desc()).limit(limit))),
        messages=outbox_state.with_state(session, session.scalars(
            select(Outbox).where(Outbox.member_id == member.id)
            .order_by(Outbox.created_at.desc(), Outbox.id.desc()).limit(20))),
        rfm=session.get(RfmScore, member.id),
        survey_answers=survey_reports.answers_of(session, member.id),
    )


def export(session: Session, member: Member, now: datetime) -> dict[str, Any]:
    """One member's data as plain JSON-able data (the right of access), complete, not paged."""
    m = member
    ledger = session.scalars(select(PointsLedger).where(PointsLedger.member_id == m.id).order_by(PointsLedger.id))
    orders = session.scalars(select(Order).where(Order.member_id == m.id).order_by(Order.id))
    coupons = session.scalars(select(Coupon).where(Coupon.member_id == m.id).order_by(Coupon.id))
    messages = outbox_state.with_state(session, session.scalars(select(Outbox).where(Outbox.member_id == m.id)
                                                                .order_by(Outbox.id)))
    rfm = session.get(RfmScore, m.id)
    moved_in = session.scalars(select(MemberImport).where(or_(MemberImport.claimed_by_id == m.id,
                                                              MemberImport.member_id == m.id)).order_by(MemberImport.id))

    def _when(value: datetime | None) -> str | None:  # in the store's timezone, with its offset
        return formats.instant(value, now.tzinfo)

    return {
        "exported_at": _when(now),
        "member": {
            "member_code": m.member_code, "line_user_id": m.line_user_id, "display_name": m.display_name,
            "language": m.language, "status": m.status, "phone": m.phone, "einvoice_carrier": m.einvoice_carrier,
            "email": m.email, "email_verified_at": _when(m.email_verified_at),
            "birthday": (f"--{m.birthday_month:02d}-{m.birthday_day:02d}" if m.birthday_month else None),
            "tier": m.tier, "tier_since": _when(m.tier_since), "balance": m.balance, "points_owed": m.points_debt, "tags": list(m.tags or []),
            "followed_at": _when(m.followed_at), "joined_at": _when(m.joined_at), "consent_at": _when(m.consent_at),
            "marketing_opt_in": m.marketing_opt_in, "opt_in_changed_at": _when(m.opt_in_changed_at),
            "is_blocked": m.is_blocked, "blocked_at": _when(m.blocked_at), "referral_code": m.referral_code,
            "created_at": _when(m.created_at), "erased_at": _when(m.erased_at),
        },
        # why each change happened, as a code and its parameters: the edge adds the member's words
        "points_ledger": [{"at": _when(r.created_at), "delta": r.delta, "kind": r.kind, "reason_code": r.reason_code,
                           "reason_params": r.reason_params, "expires_at": _when(r.expires_at),
                           "remaining": r.remaining} for r in ledger],
        "orders": [{"channel": o.channel, "external_id": o.external_id, "placed_at": _when(o.placed_at),
                    "store_id": o.store_id, "amount": o.amount, "net_amount": o.net_amount, "status": o.status,
                    "points_earned": o.points_earned, "items": o.items} for o in orders],
        "coupons": [{"code": c.code, "kind": c.kind, "title": c.title_zh, "value": c.value,
                     "valid_until": _when(c.valid_until), "redeemed_at": _when(c.redeemed_at)} for c in coupons],
        "messages": [{"kind": o.kind, "category": o.category, "status": o.status, "created_at": _when(o.created_at),
                      "sent_at": _when(o.sent_at)} for o in messages],
        "rfm": ({"recency_days": rfm.recency_days, "frequency": rfm.frequency, "monetary": rfm.monetary,
                 "r": rfm.r, "f": rfm.f, "m": rfm.m, "segment": rfm.segment, "scored_at": _when(rfm.scored_at)}
                if rfm else None),
        "survey_answers": [{**a, "at": _when(a["at"])} for a in survey_reports.answers_of(session, m.id)],
        # memberships moved in from another programme: theirs, or claimed by them
        "moved_in": [{"source": i.source, "external_id": i.external_id, "email": i.email,
                      "imported_at": _when(i.imported_at), "claimed_at": _when(i.claimed_at),
                      "claimed_by": i.claimed_by} for i in moved_in],
        "points_spent_at_the_till": [
            {"spend_id": p.spend_id, "channel": p.channel, "order_id": p.order_id, "points": p.points,
             "discount": p.discount, "status": p.status, "points_returned": p.points_returned,
             "at": _when(p.created_at)}
            for p in session.scalars(select(PointsSpend).where(PointsSpend.member_id == m.id).order_by(PointsSpend.id))],
        "linked_accounts": [{"platform": link.platform, "customer_id": link.customer_id, "linked_at": _when(link.linked_at)}
                            for link in account_links.links_of(session, m)],
    }
