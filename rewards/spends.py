"""Points spent at the till as a discount: spent once per order, cancelled once, and given back in
proportion when the order is refunded.

* A spend is keyed by (channel, order id). The same request again answers the first answer; the
  same order id with other points, or for another member, is a conflict (`SpendConflict`).
* The points are taken by `ledger.debit` (one conditional UPDATE of the balance); asking for more
  than the balance is `SpendTooLarge` (409 at the API).
* Points the member owes (`points_debt`, refunds of points already spent) are not spendable: a spend
  takes from the balance only. Points given back (a cancel, a refund's share) are a credit, so they
  repay what the member owes first, like every credit (rewards/ledger.py).
* Points given back are a new lot whose validity runs from the spend's time (`ledger.credit`'s
  `earned_at`), so spending and cancelling does not make points last longer than that.
* A refund of the order gives back the spend's share of the amount refunded so far,
  `points * refunded // amount` over all the order's refunds (all of it once the order is fully
  refunded), less what earlier refunds gave back: integers, never more than was spent.
* Cancel and refund lock the spend's row before the member's (as a spend does), so the two never
  give back the same points twice and never wait for each other in a circle.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.bulk import insert_new
from core.field_errors import FieldErrors

from . import ledger
from .errors import InsufficientPoints, NotAMember, SpendConflict, SpendNotFound, SpendTooLarge
from .membership import new_code
from .models import Member, Order, PointsSpend, Refund
from .order_input import check_text, normalise_channel
from .settings import ProgramSettings
from core.timeutil import require_aware
from .tx import savepoint

MAX_POINTS = 1_000_000_000
SPEND_ID_LENGTH = 11  # after the prefix "S": 12 characters, no look-alikes


@dataclass(frozen=True)
class SpendResult:
    spend: PointsSpend
    created: bool  # False: a replay, or a cancel that had happened before


def discount_for(points: int, settings: ProgramSettings) -> int:
    """NT$ off for `points` points."""
    return points * settings.point_value


def check_points(value: Any, errors: dict[str, str]) -> int | None:
    if value is None:
        errors["points"] = "is required"
    elif isinstance(value, bool) or not isinstance(value, (int, float)) or (
            isinstance(value, float) and not value.is_integer()):
        errors["points"] = "must be a whole number of points"
    elif not 1 <= value <= MAX_POINTS:
        errors["points"] = f"must be between 1 and {MAX_POINTS:,}"
    else:
        return int(value)
    return None


def by_order(session: Session, channel: str, order_id: str) -> PointsSpend | None:
    return session.scalar(select(PointsSpend).where(PointsSpend.channel == channel, PointsSpend.order_id == order_id))


def find(session: Session, member: Member, spend_id: str) -> PointsSpend:
    """The member's spend with this id, or SpendNotFound (another member's spend is not found either)."""
    spend = session.scalar(select(PointsSpend).where(PointsSpend.spend_id == spend_id.strip().upper(),
                                                     PointsSpend.member_id == member.id)) if len(spend_id) <= 16 else None
    if spend is None:
        raise SpendNotFound(fields={"spend_id": spend_id})
    return spend


def spend_points(session: Session, member: Member, order_id: Any, points: Any, now: datetime,
                 settings: ProgramSettings, channel: Any = "store") -> SpendResult:
    """Take `points` from the member's balance as a discount on the order, once per (channel, order id)."""
    require_aware(now)
    errors: dict[str, str] = {}
    order_id = check_text(order_id, "order_id", errors)
    points = check_points(points, errors)
    channel_ = normalise_channel(channel)
    if channel_ is None:
        errors["channel"] = "must be 'store' or 'online'"
    if errors:
        raise FieldErrors(errors)
    if not member.is_member:
        raise NotAMember()
    for _attempt in range(3):  # a new spend id that is taken already (1 in 31**11) is drawn again
        existing = by_order(session, channel_, order_id)
        if existing is not None:
            return _replay(existing, member, points)
        created = _spend_new(session, member, channel_, order_id, points, now, settings)
        if created is not None:
            return SpendResult(created, True)
    raise RuntimeError("could not draw an unused spend id")


def _replay(spend: PointsSpend, member: Member, points: int) -> SpendResult:
    if spend.member_id != member.id or spend.points != points:
        raise SpendConflict(fields={"order_id": spend.order_id, "points": spend.points}
                            if spend.member_id == member.id else {"order_id": spend.order_id})
    return SpendResult(spend, False)


def _spend_new(session: Session, member: Member, channel: str, order_id: str, points: int, now: datetime,
               settings: ProgramSettings) -> PointsSpend | None:
    """Write the spend and take its points; None when its keys were taken meanwhile (the caller looks again)."""
    discount = discount_for(points, settings)
    with savepoint(session):
        # the spend first: its unique (channel, order id) makes a simultaneous replay wait for this one
        values = dict(spend_id=new_code("S", SPEND_ID_LENGTH), member_id=member.id, channel=channel,
                      order_id=order_id, points=points, discount=discount, status="spent", points_returned=0,
                      balance_after=0, cancel_balance=None, created_at=now, cancelled_at=None)
        inserted = insert_new(session, PointsSpend.__table__, [values], returning=(PointsSpend.__table__.c.id,))
        if not inserted:
            return None
        spend_pk = inserted[0][0]
        try:
            ledger.debit(session, member, points, "redeem", "spend_till",
                         {"points": points, "discount": discount, "order": order_id}, f"spend:{spend_pk}", now)
        except InsufficientPoints as exc:
            raise SpendTooLarge(exc.balance, points) from None
        balance = ledger.balance_of(session, member.id)
        session.execute(update(PointsSpend).where(PointsSpend.id == spend_pk).values(balance_after=balance)
                        .execution_options(synchronize_session=False))
    return session.get(PointsSpend, spend_pk)


def _lock(session: Session, spend: PointsSpend) -> tuple[str, int]:
    """Lock the spend's row for the rest of the transaction; its status and points returned, read fresh."""
    status, returned = session.execute(
        update(PointsSpend).where(PointsSpend.id == spend.id).values(status=PointsSpend.status)
        .returning(PointsSpend.status, PointsSpend.points_returned)
        .execution_options(synchronize_session=False)).one()
    return status, int(returned)


def cancel(session: Session, member: Member, spend_id: str, now: datetime, settings: ProgramSettings) -> SpendResult:
    """Give back what is left of the spend (what refunds did not give back already), once."""
    require_aware(now)
    spend = find(session, member, spend_id)
    status, returned = _lock(session, spend)
    if status == "cancelled":
        session.refresh(spend)
        return SpendResult(spend, False)
    back = spend.points - returned
    if back > 0:
        ledger.credit(session, member, back, "refund", "spend_cancelled",
                      {"points": back, "order": spend.order_id}, f"spend:{spend.id}:cancel", now, settings,
                      earned_at=spend.created_at)
    session.execute(update(PointsSpend).where(PointsSpend.id == spend.id).values(
        status="cancelled", cancelled_at=now, points_returned=spend.points,
        cancel_balance=ledger.balance_of(session, member.id)).execution_options(synchronize_session=False))
    session.refresh(spend)
    return SpendResult(spend, True)


def of_order(session: Session, order: Order) -> PointsSpend | None:
    """The points spent on this order at the till, if any (the spend names the order by its channel and id)."""
    return by_order(session, order.channel, order.external_id)


def refund_key(spend: PointsSpend, refund: Refund) -> str:
    return f"spend:{spend.id}:refund:{refund.id}"


def give_back_for_refund(session: Session, order: Order, refund: Refund, now: datetime,
                         settings: ProgramSettings) -> int:
    """The points of the order's spend that its refunds so far no longer pay for, given back once
    for `refund` (the order's net amount already lowered by it). How many were given back."""
    spend = of_order(session, order)
    if spend is None:
        return 0
    status, returned = _lock(session, spend)
    if status == "cancelled":
        return 0
    refunded = order.amount - order.net_amount
    share = spend.points if order.net_amount == 0 or order.amount == 0 else spend.points * refunded // order.amount
    back = min(share, spend.points) - returned
    if back <= 0:
        return 0
    member = session.get(Member, spend.member_id)
    ledger.credit(session, member, back, "refund", "spend_refunded",
                  {"points": back, "order": order.external_id, "refund_id": refund.refund_id},
                  refund_key(spend, refund), now, settings, earned_at=spend.created_at)
    session.execute(update(PointsSpend).where(PointsSpend.id == spend.id)
                    .values(points_returned=returned + back).execution_options(synchronize_session=False))
    session.expire(spend, ["points_returned"])
    return back


def given_back_for(session: Session, order: Order, refund: Refund) -> int:
    """What `refund` gave back of the order's spend (0 if none): read from its ledger row."""
    spend = of_order(session, order)
    if spend is None:
        return 0
    row = ledger.entry_for_key(session, refund_key(spend, refund))
    return row.delta if row is not None else 0
