"""Member-gets-member referrals.

* Every member can have a short unguessable code (`referral_code_for`, assigned on first ask).
* A new member may enter someone's code once, within `settings.referral_link_days` of joining; never
  their own, never making a loop (A→B→A or longer).
* When the referred member's first order is paid, both get `settings.referral_bonus_points`, once
  (ledger keys `referral:{referee_id}:referee` and `referral:{referee_id}:referrer`). If they linked
  after that first order, the bonus is given at linking.
* Any refund of that first order within `settings.refund_window_days` of the bonus takes both
  bonuses back, as far as the points are still there (never below zero; the rest is a shortfall).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import ledger, notices
from .codes import REFERRAL_CODE_LENGTH, normalise, random_code
from .errors import (NotAMember, ReferralAlreadyLinked, ReferralCodeNotFound, ReferralLoop, ReferralSelf,
                     ReferralWindowClosed)
from .models import Member, Order
from .settings import ProgramSettings
from core.timeutil import require_aware
from .tx import lock_member, savepoint


def referee_key(referee_id: int) -> str:
    return f"referral:{referee_id}:referee"


def referrer_key(referee_id: int) -> str:
    return f"referral:{referee_id}:referrer"


def referral_code_for(session: Session, member: Member) -> str:
    """The member's referral code, assigned (once, race-safe) the first time it is asked for."""
    if member.referral_code:
        return member.referral_code
    session.flush()
    for _attempt in range(8):
        try:
            with savepoint(session):
                session.execute(update(Member).where(Member.id == member.id, Member.referral_code.is_(None))
                                .values(referral_code=random_code(REFERRAL_CODE_LENGTH))
                                .execution_options(synchronize_session=False))
        except IntegrityError:
            continue  # another member has this code: draw again
        session.refresh(member, ["referral_code"])
        if member.referral_code:
            return member.referral_code
    raise RuntimeError("could not assign a referral code")


def find_referrer(session: Session, code: str) -> Member:
    norm = normalise(code)
    referrer = (session.scalar(select(Member).where(Member.referral_code == norm))
                if 0 < len(norm) <= 16 else None)
    if referrer is None or referrer.status == "erased":
        raise ReferralCodeNotFound()
    return referrer


def _would_loop(session: Session, referrer_id: int, new_member_id: int) -> bool:
    seen: set[int] = set()
    current: int | None = referrer_id
    while current is not None and current not in seen:
        if current == new_member_id:
            return True
        seen.add(current)
        current = session.scalar(select(Member.referred_by_id).where(Member.id == current))
    return current is not None and current == new_member_id


def link_referral(session: Session, new_member: Member, code: str, now: datetime,
                  settings: ProgramSettings) -> Member:
    """Record that `new_member` was referred by the owner of `code`; returns the referrer.
    Entering the same referrer's code again is harmless. Raises ReferralCodeNotFound, ReferralSelf,
    ReferralAlreadyLinked, ReferralLoop, ReferralWindowClosed, NotAMember."""
    require_aware(now)
    referrer = find_referrer(session, code)
    if referrer.id == new_member.id:
        raise ReferralSelf()
    if new_member.status != "member" or new_member.joined_at is None:
        raise NotAMember()
    # lock both members, lower id first, so two people entering each other's codes at once cannot
    # both pass the loop check
    for member_id in sorted((referrer.id, new_member.id)):
        lock_member(session, member_id)
    session.refresh(new_member, ["referred_by_id", "referred_at"])
    if new_member.referred_by_id is not None:
        if new_member.referred_by_id == referrer.id:
            return referrer
        raise ReferralAlreadyLinked()
    if now > new_member.joined_at + timedelta(days=settings.referral_link_days):
        raise ReferralWindowClosed(fields={"days": settings.referral_link_days})
    if _would_loop(session, referrer.id, new_member.id):
        raise ReferralLoop()
    changed = session.execute(
        update(Member).where(Member.id == new_member.id, Member.referred_by_id.is_(None))
        .values(referred_by_id=referrer.id, referred_at=now).execution_options(synchronize_session=False)).rowcount
    session.refresh(new_member, ["referred_by_id", "referred_at"])
    if changed != 1 and new_member.referred_by_id != referrer.id:
        raise ReferralAlreadyLinked()
    first = session.scalar(select(Order).where(Order.member_id == new_member.id).order_by(Order.id).limit(1))
    if first is not None:
        award_referral_bonus(session, new_member, first, now, settings)
    return referrer


def award_referral_bonus(session: Session, referee: Member, order: Order, now: datetime,
                         settings: ProgramSettings, notify: bool = True) -> int:
    """Called when `order` is paid: if it is the referee's first order, both members get the bonus
    (once). Returns the points the referee got now (0 if nothing happened). `notify=False` (imports
    of history): the referrer is not told."""
    points = settings.referral_bonus_points
    if referee.referred_by_id is None or points <= 0 or order.status == "refunded":
        return 0
    first_id = session.scalar(select(func.min(Order.id)).where(Order.member_id == referee.id))
    if first_id != order.id:
        return 0
    referrer = session.get(Member, referee.referred_by_id)
    given = ledger.credit(session, referee, points, "bonus", "referral_referee", {"points": points},
                          referee_key(referee.id), now, settings, order=order)
    if referrer is not None and referrer.status == "member":
        row = ledger.credit(session, referrer, points, "bonus", "referral_referrer",
                            {"points": points}, referrer_key(referee.id), now, settings, order=order)
        if row is not None and notify:
            notices.queue_notice(session, referrer, "referral_bonus", "service",
                                 {"points": points, "balance": ledger.balance_of(session, referrer.id),
                                  "friend_member_code": referee.member_code},
                                 f"referral_bonus:{referee.id}", now)
    return points if given is not None else 0


def revoke_referral_bonus(session: Session, order: Order, now: datetime, settings: ProgramSettings) -> int:
    """Called on a refund of `order`: if the order earned referral bonuses no longer than
    `settings.refund_window_days` ago, take both back (as far as possible). Returns points taken."""
    taken = 0
    for key in (referee_key(order.member_id), referrer_key(order.member_id)):
        lot = ledger.entry_for_key(session, key)
        if lot is None or lot.order_id != order.id:
            continue
        if now - lot.created_at > timedelta(days=settings.refund_window_days):
            continue
        owner = session.get(Member, lot.member_id)
        row, _created = ledger.take_up_to(session, owner, lot.delta, "refund", "referral_revoked", {},
                                          key + ":revoked", now, order=order, prefer_lots=[lot.id])
        taken += -row.delta if _created else 0
    return taken
