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
zero) and the rest recorded as shortfall.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Mapping

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from . import ledger, notices, referral, tiers
from core.field_errors import FieldErrors

from .errors import NotAMember, OrderConflict, OrderNotFound, RefundConflict, RefundTooLarge
from .models import ORDER_CHANNELS, Member, Order, Refund
from .settings import ProgramSettings
from .timeutil import require_aware
from .tx import lock_member, savepoint
from core.bulk import insert_new

MAX_AMOUNT = 1_000_000_000  # NT$; a sanity bound well inside a 32-bit column


# -- input ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class OrderInput:
    channel: str
    order_id: str
    member_code: str
    amount: int
    placed_at: datetime
    store_id: str | None
    items: list | None


def _check_channel(value: Any, errors: dict[str, str]) -> str | None:
    channel = value.strip().lower() if isinstance(value, str) else None
    if channel not in ORDER_CHANNELS:
        errors["channel"] = "must be 'store' or 'online'"
        return None
    return channel


def _check_id(value: Any, name: str, limit: int, errors: dict[str, str], required: bool = True) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors[name] = "is required"
        return None
    if not isinstance(value, str):
        errors[name] = "must be a string"
        return None
    value = value.strip()
    if len(value) > limit:
        errors[name] = f"must be at most {limit} characters"
        return None
    return value


def _check_amount(value: Any, errors: dict[str, str]) -> int | None:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        errors["amount"] = "must be a whole number of NT$"
        return None
    if value < 0 or value > MAX_AMOUNT:
        errors["amount"] = f"must be between 0 and {MAX_AMOUNT:,}"
        return None
    return value


def _check_placed_at(value: Any, errors: dict[str, str]) -> datetime | None:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            errors["placed_at"] = "must be an ISO 8601 date-time with a UTC offset, e.g. 2026-11-20T14:03:00+08:00"
            return None
    if not isinstance(value, datetime):
        errors["placed_at"] = "is required (ISO 8601 with a UTC offset)"
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        errors["placed_at"] = "needs a UTC offset, e.g. +08:00"
        return None
    return value


def _check_items(value: Any, errors: dict[str, str]) -> list | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            errors["items"] = "must be a JSON array"
            return None
    if not isinstance(value, list):
        errors["items"] = "must be a JSON array"
        return None
    return value or None


def parse_order(row: Any) -> OrderInput:
    """Check one order as the API or an import file gives it (channel, order_id, member_code, amount,
    placed_at, store_id, items) and return it typed; raise FieldErrors naming every bad field."""
    if not isinstance(row, Mapping):
        raise FieldErrors({"body": "must be an object"})
    errors: dict[str, str] = {}
    channel = _check_channel(row.get("channel"), errors)
    order_id = _check_id(row.get("order_id"), "order_id", 64, errors)
    member_code = _check_id(row.get("member_code"), "member_code", 16, errors)
    amount = _check_amount(row.get("amount"), errors)
    placed_at = _check_placed_at(row.get("placed_at"), errors)
    store_id = _check_id(row.get("store_id"), "store_id", 32, errors, required=False)
    items = _check_items(row.get("items"), errors)
    if errors:
        raise FieldErrors(errors)
    return OrderInput(channel, order_id, member_code, amount, placed_at, store_id, items)  # type: ignore[arg-type]


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


def _get_order(session: Session, channel: str, external_id: str) -> Order | None:
    return session.scalar(select(Order).where(Order.channel == channel, Order.external_id == external_id))


def find_order(session: Session, channel: str, external_id: str) -> Order:
    order = _get_order(session, channel, external_id)
    if order is None:
        raise OrderNotFound(fields={"channel": channel, "order_id": external_id})
    return order


def _replay(order: Order, fp: str) -> OrderResult:
    if order.request_fingerprint != fp:
        raise OrderConflict(fields={"channel": order.channel, "order_id": order.external_id})
    return OrderResult(order, False, order.points_earned, order.balance_after, order.tier_after, order.tier_changed)


def record_order(session: Session, member: Member, channel: str, external_id: str, amount: int,
                 placed_at: datetime, store_id: str | None, items: list | None, now: datetime,
                 settings: ProgramSettings) -> OrderResult:
    """Record a paid order once and credit its points; see the module's doc for the rules."""
    require_aware(now)
    errors: dict[str, str] = {}
    channel = _check_channel(channel, errors)  # type: ignore[assignment]
    external_id = _check_id(external_id, "order_id", 64, errors)  # type: ignore[assignment]
    amount = _check_amount(amount, errors)  # type: ignore[assignment]
    placed_at = _check_placed_at(placed_at, errors)  # type: ignore[assignment]
    store_id = _check_id(store_id, "store_id", 32, errors, required=False)
    items = _check_items(items, errors)
    if errors:
        raise FieldErrors(errors)
    fp = fingerprint(member.id, channel, external_id, amount, placed_at, store_id, items)
    # the member's lock first (one UPDATE ... RETURNING, which also reads their tier and status
    # fresh): concurrent orders of one member are serialised
    tier_before, status = lock_member(session, member.id, returning=(Member.tier, Member.status))
    if status != "member":
        existing = _get_order(session, channel, external_id)
        if existing is not None:
            return _replay(existing, fp)
        raise NotAMember()
    pct = settings.tier(tier_before).multiplier_pct
    points = points_for(amount, pct, settings)
    # the order once: INSERT ... ON CONFLICT DO NOTHING RETURNING (no look-up first, no savepoint)
    inserted = insert_new(session, Order, [dict(
        channel=channel, external_id=external_id, member_id=member.id, amount=amount, net_amount=amount,
        status="paid", placed_at=placed_at, store_id=store_id, items=items, tier_at_order=tier_before,
        multiplier_pct=pct, points_earned=points, request_fingerprint=fp, balance_after=0, tier_after=tier_before,
        tier_changed=False, created_at=now, updated_at=now)], returning=(Order,))
    if not inserted:
        return _replay(_get_order(session, channel, external_id), fp)
    order = inserted[0][0]
    set_committed_value(member, "tier", tier_before)  # read fresh by the lock, not dirty
    set_committed_value(member, "status", status)
    params = {"amount": amount, "store_id": store_id, "channel": channel, "multiplier_pct": pct,
              "base_points": amount // settings.spend_per_point, "points": points, "order": external_id}
    if points > 0:
        ledger.credit(session, member, points, "earn", "earn_order", params, f"order:{order.id}:earn",
                      now, settings, order=order)
    change = tiers.evaluate_upgrade(session, member, now, settings, order=order)
    bonus = referral.award_referral_bonus(session, member, order, now, settings)
    balance = ledger.balance_of(session, member.id)
    order.balance_after = balance
    order.tier_after = member.tier
    order.tier_changed = change is not None
    session.flush()
    notices.queue_notice(
        session, member, "receipt", "service",
        {**params, "order_id": external_id, "placed_at": placed_at.isoformat(), "balance": balance,
         "tier": member.tier, "referral_bonus": bonus},
        f"receipt:{order.id}", now)
    return OrderResult(order, True, points, balance, member.tier, change is not None, bonus)


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


def _get_refund(session: Session, order_id: int, refund_id: str) -> Refund | None:
    return session.scalar(select(Refund).where(Refund.order_id == order_id, Refund.refund_id == refund_id))


def _refund_replay(session: Session, order: Order, rf: Refund, amount: int) -> RefundResult:
    if rf.amount != amount:
        raise RefundConflict(fields={"refund_id": rf.refund_id, "amount": rf.amount})
    session.refresh(order, ["status", "net_amount"])
    return RefundResult(rf, False, rf.points_reversed, rf.shortfall, ledger.balance_of(session, order.member_id),
                        order.status, order.net_amount)


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
    refund_id = _check_id(refund_id, "refund_id", 64, errors)  # type: ignore[assignment]
    checked = _check_amount(amount, errors)
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
            balance = ledger.balance_of(session, member.id)
            notices.queue_notice(session, member, "refund", "service",
                                 {"order_id": order.external_id, "channel": order.channel, "refund_id": refund_id,
                                  "amount": amount, "points_reversed": rf.points_reversed,
                                  "shortfall": rf.shortfall, "balance": balance, "net_amount": order.net_amount,
                                  "referral_points_reversed": referral_taken},
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
                        referral_taken)
