"""Orders from the shops: earning points, and refunds that take them back.

Earning (integer maths, no floats):

    points = amount // settings.spend_per_point * multiplier_pct // 100

i.e. first whole base points (NT$ per point, rounded down), then the tier multiplier, rounded down
again. NT$12,345 at ×1.0 → 123; NT$1,250 at ×1.2 → 12 × 120 // 100 = 14; NT$99 → 0. The multiplier is
the member's tier *before* the order (the order that lifts a member to a tier earns at the old rate).

Idempotency: one order per (channel, external_id). The same request again returns the first result
(created=False, the same points, balance and tier as first answered); the same id with different
content raises OrderConflict. Two identical calls at the same time credit once (unique constraint,
IntegrityError caught in a SAVEPOINT, then re-read).

Refunds: after any refunds, the order's net points (earned − taken back − shortfall) equal what its
net amount earns at the order's multiplier. Idempotent per refund_id; a refund larger than what is
left raises RefundTooLarge; points already spent are taken as far as the balance goes (never below
zero) and the rest recorded as shortfall, which the member then owes (`members.points_debt`): the
points of their next orders (and any other credit) repay it first (rewards/ledger.py).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from . import ledger, notices, referral, spends, tiers
from core.field_errors import FieldErrors

from .errors import NotAMember, OrderConflict, OrderNotFound, RefundConflict, RefundTooLarge
from .models import Member, Order, PointsLedger, Refund
from .order_input import OrderInput, check_amount, check_text, normalise_channel
from .settings import ProgramSettings
from core.timeutil import require_aware
from .tx import lock_member, savepoint
from core.bulk import insert_new

# what an order says is checked once, where it comes in: rewards.order_input.OrderInput.parse


# -- earning ----------------------------------------------------------------------------------------

def points_for(amount: int, multiplier_pct: int, settings: ProgramSettings) -> int:
    """amount // spend_per_point * multiplier_pct // 100 (each step rounded down)."""
    return amount // settings.spend_per_point * multiplier_pct // 100


def fingerprint(member_id: int, channel: str, external_id: str, amount: int, placed_at: datetime,
                store_id: str | None, items: list | None) -> str:
    canonical = json.dumps(
        {"member": member_id, "channel": channel, "id": external_id, "amount": amount,
         "placed_at": placed_at.astimezone(timezone.utc).isoformat(), "store": store_id or None,
         "items": items or None},
        sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class OrderResult:
    order: Order
    created: bool
    points_earned: int
    balance: int        # the balance right after this order was recorded (the same on a replay)
    tier: str           # the member's tier code right after this order
    tier_changed: bool
    referral_bonus: int = 0
    debt_repaid: int = 0  # of the points earned (and any referral bonus), what went to points owed
    points_owed: int = 0  # what the member still owes after this order


def _get_order(session: Session, channel: str, external_id: str) -> Order | None:
    return session.scalar(select(Order).where(Order.channel == channel, Order.external_id == external_id))


def find_order(session: Session, channel: str, external_id: str) -> Order:
    """The order a shop names by its channel (in any case: 'STORE' is 'store') and its own id."""
    order = _get_order(session, normalise_channel(channel) or "", external_id)
    if order is None:
        raise OrderNotFound(fields={"channel": channel, "order_id": external_id})
    return order


def _replay(session: Session, order: Order, fp: str) -> OrderResult:
    if order.request_fingerprint != fp:
        raise OrderConflict(fields={"channel": order.channel, "order_id": order.external_id})
    return OrderResult(order, False, order.points_earned, order.balance_after, order.tier_after, order.tier_changed,
                       debt_repaid=debt_repaid_by(session, order))


def debt_repaid_by(session: Session, order: Order) -> int:
    """What the order's points (and its referral bonus) repaid of the points its member owed."""
    return int(session.scalar(select(func.coalesce(-func.sum(PointsLedger.delta), 0)).where(
        PointsLedger.order_id == order.id, PointsLedger.member_id == order.member_id,
        PointsLedger.reason_code == "debt_repaid")))


def tier_when_placed(session: Session, member_id: int, tier: str, tier_since: datetime | None, placed_at: datetime,
                     settings: ProgramSettings) -> str:
    """The member's tier when the order was placed: the tier they hold if it was placed since they
    reached it, else the tier after their last order placed before it (the base tier if none): an
    imported order of last year earns at last year's rate."""
    if tier_since is None or placed_at >= tier_since:
        return tier
    before = session.scalar(select(Order.tier_after).where(Order.member_id == member_id, Order.placed_at <= placed_at)
                            .order_by(Order.placed_at.desc(), Order.id.desc()).limit(1))
    return before or settings.tiers[0].code


def record_fields(session: Session, member: Member, channel: str, external_id: str, amount: int,
                  placed_at: datetime, store_id: str | None, items: list | None, now: datetime,
                  settings: ProgramSettings, notify: bool = True) -> OrderResult:
    """`record_order` for callers holding the fields one by one (demo data): checked by OrderInput."""
    data = OrderInput.parse({"channel": channel, "order_id": external_id, "member_code": member.member_code,
                             "amount": amount, "placed_at": placed_at, "store_id": store_id, "items": items},
                            now, settings)
    return record_order(session, member, data, now, settings, notify=notify)


def record_order(session: Session, member: Member, data: OrderInput, now: datetime, settings: ProgramSettings,
                 notify: bool = True, store_names: tuple[str, str] | None = None, locked: bool = False) -> OrderResult:
    """Record a paid order once and credit its points; see the module's doc for the rules. `data`
    was checked by OrderInput.parse. `notify=False` (imports of history): nothing is queued for the
    member (no receipt, no tier_up, no referral_bonus notice).
    `store_names`: the (Chinese, English) name of the store `store_id` names, for the receipt; an
    unknown store id is shown as written. `locked`: the caller locked the member and read them in
    the same statement already (tx.lock_member_where), in this unit of work."""
    require_aware(now)
    channel, external_id, amount, placed_at = data.channel, data.order_id, data.amount, data.placed_at
    store_id, items = data.store_id, data.items
    fp = fingerprint(member.id, channel, external_id, amount, placed_at, store_id, items)
    # the member's lock first (one UPDATE ... RETURNING, which also reads their tier, status and
    # balance fresh): concurrent orders of one member are serialised, so what follows is computed
    # from what it read, without reading it again
    tier_now, tier_since, status, balance, debt = (
        (member.tier, member.tier_since, member.status, member.balance, member.points_debt) if locked else
        lock_member(session, member.id, returning=(Member.tier, Member.tier_since, Member.status, Member.balance,
                                                   Member.points_debt)))
    if status != "member":
        existing = _get_order(session, channel, external_id)
        if existing is not None:
            return _replay(session, existing, fp)
        raise NotAMember()
    tier_before = tier_when_placed(session, member.id, tier_now, tier_since, placed_at, settings)
    pct = settings.tier(tier_before).multiplier_pct
    points = points_for(amount, pct, settings)
    # the rolling spend with this order in it decides an upgrade (as tiers.evaluate_upgrade would
    # after the insert), so the order is written once with its outcome
    spend = tiers.spend_in_window(session, member.id, now, settings)
    if placed_at > tiers.window_start(now, settings):
        spend += amount
    upgrade = tiers.upgrade_target(tier_now, spend, settings)
    tier_after = upgrade.code if upgrade is not None else tier_now
    # the order once: INSERT ... ON CONFLICT DO NOTHING RETURNING its id (no look-up first, no
    # savepoint); the row is written whole, so the object is made from its values, not read back
    values = dict(
        channel=channel, external_id=external_id, member_id=member.id, amount=amount, net_amount=amount,
        status="paid", placed_at=placed_at, store_id=store_id, items=items, tier_at_order=tier_before,
        multiplier_pct=pct, points_earned=points, request_fingerprint=fp,
        balance_after=balance + points - ledger.repayment(points, debt),
        tier_after=tier_after, tier_changed=upgrade is not None, created_at=now, updated_at=now)
    inserted = insert_new(session, Order.__table__, [values], returning=(Order.__table__.c.id,))
    if not inserted:
        return _replay(session, _get_order(session, channel, external_id), fp)
    order = Order(id=inserted[0][0], **values)
    make_transient_to_detached(order)
    session.add(order)
    set_committed_value(member, "tier", tier_now)  # read fresh by the lock, not dirty
    set_committed_value(member, "tier_since", tier_since)
    set_committed_value(member, "status", status)
    params = {"amount": amount, "store_id": store_id, "channel": channel, "multiplier_pct": pct,
              "base_points": amount // settings.spend_per_point, "points": points, "order": external_id}
    if points > 0:
        ledger.credit(session, member, points, "earn", "earn_order", params, f"order:{order.id}:earn",
                      now, settings, order=order, earned_at=placed_at)
    # its notice waits for the receipt: a member reads the receipt before the tier it earned
    change = (tiers.apply_upgrade(session, member, upgrade, spend, now, settings, order=order, notify=False)
              if upgrade is not None else None)
    bonus = referral.award_referral_bonus(session, member, order, now, settings, notify=notify)
    # the ledger repaid what the member owed first, by the same rule (the member is locked: `debt` holds)
    repaid = ledger.repayment(points + bonus, debt)
    balance += points + bonus - repaid
    if bonus:
        order.balance_after = balance
        session.flush()
    if notify:  # (nothing read back: no RETURNING)
        notices.queue_rows(session, [notices.outbox_row(
            member.id, "receipt", "service",
            {**params, "order_id": external_id, "placed_at": placed_at.isoformat(), "balance": balance,
             "tier": tier_after, "referral_bonus": bonus, "debt_repaid": repaid, "points_owed": debt - repaid,
             **({"store_zh": store_names[0], "store_en": store_names[1]} if store_names else {})},
            f"receipt:{order.id}", now)])
        if change is not None:
            tiers.queue_tier_up(session, member, change, now, settings, order)
    return OrderResult(order, True, points, balance, tier_after, upgrade is not None, bonus, repaid, debt - repaid)


# -- refunds ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RefundResult:
    refund: Refund
    created: bool
    points_reversed: int  # taken back for this refund
    shortfall: int        # owed for this refund but already spent
    balance: int          # the member's balance now
    order_status: str
    net_amount: int
    referral_points_reversed: int = 0
    points_owed: int = 0  # what the member owes now (this refund's shortfall and any before, not yet repaid)
    spent_points_returned: int = 0  # of the points spent on the order at the till, given back for this refund


def _get_refund(session: Session, order_id: int, refund_id: str) -> Refund | None:
    return session.scalar(select(Refund).where(Refund.order_id == order_id, Refund.refund_id == refund_id))


def _refund_replay(session: Session, order: Order, rf: Refund, amount: int) -> RefundResult:
    if rf.amount != amount:
        raise RefundConflict(fields={"refund_id": rf.refund_id, "amount": rf.amount})
    session.refresh(order, ["status", "net_amount"])
    return RefundResult(rf, False, rf.points_reversed, rf.shortfall, ledger.balance_of(session, order.member_id),
                        order.status, order.net_amount, points_owed=ledger.debt_of(session, order.member_id),
                        spent_points_returned=spends.given_back_for(session, order, rf))


def refund_totals(session: Session, order: Order) -> tuple[int, int]:
    """(points taken back, shortfall) over all of the order's refunds so far."""
    reversed_, shortfall = session.execute(
        select(func.coalesce(func.sum(Refund.points_reversed), 0), func.coalesce(func.sum(Refund.shortfall), 0))
        .where(Refund.order_id == order.id)).one()
    return int(reversed_), int(shortfall)


def refund(session: Session, order: Order, refund_id: str, amount: int, now: datetime,
           settings: ProgramSettings) -> RefundResult:
    """Refund `amount` NT$ of `order` once per `refund_id`, taking back the points it no longer earns."""
    require_aware(now)
    errors: dict[str, str] = {}
    refund_id = check_text(refund_id, "refund_id", errors)  # type: ignore[assignment]
    checked = check_amount(amount, errors)
    if checked == 0:
        errors["amount"] = "must be more than 0"
    if errors:
        raise FieldErrors(errors)
    amount = checked  # type: ignore[assignment]
    existing = _get_refund(session, order.id, refund_id)
    if existing is not None:
        return _refund_replay(session, order, existing, amount)
    try:
        with savepoint(session):
            rf = Refund(order_id=order.id, refund_id=refund_id, amount=amount, points_reversed=0, shortfall=0,
                        created_at=now)
            session.add(rf)
            session.flush()
            # one conditional UPDATE decides whether the refund fits, and locks the order
            fits = session.execute(
                update(Order).where(Order.id == order.id, Order.net_amount >= amount)
                .values(net_amount=Order.net_amount - amount, updated_at=now)
                .execution_options(synchronize_session=False)).rowcount
            session.refresh(order)
            if fits != 1:
                raise RefundTooLarge(amount, order.net_amount)
            # points spent on the order at the till come back in proportion (before the member's
            # lock below: a spend's row is always locked before its member's)
            spent_back = spends.give_back_for_refund(session, order, rf, now, settings)
            prior = session.scalar(select(func.coalesce(func.sum(Refund.points_reversed + Refund.shortfall), 0))
                                   .where(Refund.order_id == order.id, Refund.id != rf.id))
            owed = order.points_earned - int(prior) - points_for(order.net_amount, order.multiplier_pct, settings)
            member = session.get(Member, order.member_id)
            if owed > 0:
                earn_lot = ledger.entry_for_key(session, f"order:{order.id}:earn")
                row, _created = ledger.take_up_to(
                    session, member, owed, "refund", "refund_order",
                    {"amount": amount, "order": order.external_id, "refund_id": refund_id},
                    f"refund:{order.id}:{refund_id}", now, order=order,
                    prefer_lots=[earn_lot.id] if earn_lot is not None else [])
                rf.points_reversed, rf.shortfall = -row.delta, row.shortfall
            order.status = "refunded" if order.net_amount == 0 else "partially_refunded"
            session.flush()
            referral_taken = referral.revoke_referral_bonus(session, order, now, settings)
            balance, owed = ledger.balance_of(session, member.id), ledger.debt_of(session, member.id)
            notices.queue_notice(session, member, "refund", "service",
                                 {"order_id": order.external_id, "channel": order.channel, "refund_id": refund_id,
                                  "amount": amount, "points_reversed": rf.points_reversed,
                                  "shortfall": rf.shortfall, "balance": balance, "net_amount": order.net_amount,
                                  "referral_points_reversed": referral_taken, "points_owed": owed,
                                  "spent_points_returned": spent_back},
                                 f"refund:{order.id}:{refund_id}", now)
    except IntegrityError:
        session.expire(order)
        existing = _get_refund(session, order.id, refund_id)
        if existing is None:
            raise
        return _refund_replay(session, order, existing, amount)
    except BaseException:
        session.expire(order)  # re-read inside the savepoint that has just been undone
        raise
    return RefundResult(rf, True, rf.points_reversed, rf.shortfall, balance, order.status, order.net_amount,
                        referral_taken, owed, spent_back)
