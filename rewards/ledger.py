"""The points ledger: every change of a member's points is one row with a unique idempotency key.

Invariants (checked by `balance_check` / `find_inconsistencies`):
  members.balance == SUM(points_ledger.delta) == SUM(remaining of the member's lots), and >= 0;
  members.points_debt == SUM(points_ledger.debt_delta), and >= 0.

* `credit` adds a lot (a positive row with `remaining`, and `expires_at` unless `expires=False`),
  then repays what the member owes from it first: a `debt_repaid` row (kind `refund`, key
  `{credit key}:repaid`) takes min(credit, debt) from the new lot and lowers the debt by as much.
* `debit` takes points with ONE conditional UPDATE (`balance = balance - :cost WHERE balance >= :cost`)
  and consumes lots, earliest expiry first (non-expiring lots last), then oldest first.
* `take_up_to` takes what is there, up to a wanted amount, and records the rest as `shortfall`,
  which becomes the member's debt (`debt_delta`): refunds of points already spent. The balance
  never goes below zero; what is owed is never lost.

Nothing here commits. Every row goes through `write_once` (balance UPDATE, then INSERT ... ON
CONFLICT DO NOTHING RETURNING; a duplicate key undoes the UPDATE), so a duplicate leaves the
caller's transaction as it was without a savepoint.
"""
from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any, Iterable, Mapping

from sqlalchemy import bindparam, case, func, select, update
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.util import identity_key

from core.bulk import insert_new

from .errors import InsufficientPoints
from .models import LEDGER_KINDS, Member, Order, PointsLedger
from .settings import ProgramSettings
from core.timeutil import add_months, end_of_local_day, last_valid_day, require_aware
from .tx import lock_member

# kinds that may add points (each such row is a lot)
CREDIT_KINDS = ("earn", "bonus", "adjust", "refund")
# kinds that may take points
DEBIT_KINDS = ("redeem", "expire", "refund", "adjust")


def points_expiry(now: datetime, settings: ProgramSettings) -> datetime | None:
    """When points credited at `now` stop counting: the end of the same local day
    `settings.points_valid_months` later (valid *through* that day). None if points never expire."""
    if settings.points_valid_months <= 0:
        return None
    return end_of_local_day(add_months(now.date(), settings.points_valid_months), now)


def entry_for_key(session: Session, key: str) -> PointsLedger | None:
    return session.scalar(select(PointsLedger).where(PointsLedger.idempotency_key == key))


def balance_of(session: Session, member_id: int) -> int:
    """The member's cached balance as stored right now (not the possibly stale attribute)."""
    return int(session.scalar(select(Member.balance).where(Member.id == member_id)) or 0)


def _validate(amount: int, kind: str, kinds: tuple[str, ...], key: str, what: str) -> None:
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise TypeError(f"{what} must be an int")
    if kind not in kinds or kind not in LEDGER_KINDS:
        raise ValueError(f"kind {kind!r} cannot {what}")
    if not key or len(key) > 200:
        raise ValueError("an idempotency key (1-200 chars) is required")


def _checked_debit(session: Session, amount: int, kind: str, key: str, now: datetime,
                   not_positive: str) -> PointsLedger | None:
    """Check a debit's arguments; the row already written under `key`, if any (a replay)."""
    require_aware(now)
    _validate(amount, kind, DEBIT_KINDS, key, "debit")
    if amount <= 0:
        raise ValueError(not_positive)
    return entry_for_key(session, key)


def _expire_balance(session: Session, member: Member) -> None:
    if member in session:
        session.expire(member, ["balance", "points_debt"])


def _row(member: Member, delta: int, kind: str, reason_code: str, params: dict, key: str, now: datetime,
         order: Order | None, **extra) -> dict:
    """The values of one new ledger row."""
    return dict(member_id=member.id, delta=delta, kind=kind, reason_code=reason_code, reason_params=params, idempotency_key=key, order_id=order.id if order is not None else None,
                created_at=now, shortfall=0, debt_delta=0, **extra)


def _plus(column, amount: int):
    return column + amount if amount >= 0 else column - -amount


def write_once(session: Session, member: Member, values: dict, need: int = 0) -> tuple[PointsLedger, bool]:
    """THE way a ledger row is written: the member's balance changes by the row's `delta` and their
    debt by its `debt_delta` (one UPDATE, which is also the member's lock; with `need`, only while
    the balance holds at least `need`, else InsufficientPoints), then the row is inserted unless its
    idempotency key is taken (INSERT ... ON CONFLICT DO NOTHING RETURNING), in which case the change
    is undone and the row written the first time is returned. (row, created). No savepoint and no
    look-up first."""
    row, created, _debt = _write(session, member, values, need)
    return row, created


def _write(session: Session, member: Member, values: dict, need: int = 0) -> tuple[PointsLedger, bool, int]:
    """`write_once`, also giving the member's debt as the UPDATE left it (read by its RETURNING)."""
    values.setdefault("debt_delta", 0)
    delta, debt_delta, key = values["delta"], values["debt_delta"], values["idempotency_key"]
    member_row = update(Member).where(Member.id == member.id).execution_options(synchronize_session=False)
    change = {"balance": _plus(Member.balance, delta)}
    if debt_delta:
        change["points_debt"] = _plus(Member.points_debt, debt_delta)
    try:
        if need:
            member_row = member_row.where(Member.balance >= need)
        found = session.execute(member_row.values(**change).returning(Member.points_debt)).first()
        if found is None:
            existing = entry_for_key(session, key)  # a replay, not a failure
            if existing is not None:
                return existing, False, 0
            raise InsufficientPoints(balance_of(session, member.id), need)
        inserted = insert_new(session, PointsLedger.__table__, [values], returning=(PointsLedger.__table__.c.id,))
        if inserted:  # the row is made from the values written, not read back (an ORM RETURNING costs more)
            row = PointsLedger(id=inserted[0][0], **{"reason": "", **values})  # reason: the column default
            make_transient_to_detached(row)
            session.add(row)
            return row, True, int(found[0])
        undo = {"balance": _plus(Member.balance, -delta)}
        if debt_delta:
            undo["points_debt"] = _plus(Member.points_debt, -debt_delta)
        session.execute(update(Member).where(Member.id == member.id).values(**undo)
                        .execution_options(synchronize_session=False))
        return entry_for_key(session, key), False, 0
    finally:
        _expire_balance(session, member)


def repayment(gained: int, debt: int) -> int:
    """How much of `gained` points goes to what the member owes (`debt`): all of it, up to the debt.
    The one rule for every earning: the API's credits here, and `orders import`'s rows in memory."""
    return max(0, min(gained, debt))


def repaid_key(credit_key: str) -> str:
    """The idempotency key of the repayment made from the credit written under `credit_key`."""
    key = f"{credit_key}:repaid"
    return key if len(key) <= 200 else "repaid:" + hashlib.sha256(credit_key.encode()).hexdigest()


def repaid_row(member_id: int, points: int, debt_left: int, credit_key: str | None, order_id: int | None,
               now: datetime) -> dict:
    """The values of a `debt_repaid` row: `points` of a new lot taken for the member's debt (its key
    None while the credit's own key is not known yet: `orders import` keys both once the order is written)."""
    return dict(member_id=member_id, delta=-points, kind="refund", reason_code="debt_repaid",
                reason_params={"points": points, "debt_left": debt_left},
                idempotency_key=repaid_key(credit_key) if credit_key else None,
                order_id=order_id, created_at=now, shortfall=0, actor=None, remaining=None, expires_at=None,
                debt_delta=-points, reason="")


def credit(session: Session, member: Member, delta: int, kind: str, reason_code: str,
           params: Mapping[str, Any] | None, key: str, now: datetime, settings: ProgramSettings,
           order: Order | None = None, expires: bool = True, actor: str | None = None,
           earned_at: datetime | None = None) -> PointsLedger | None:
    """Add `delta` (> 0) points as a new lot. Returns the new row, or None when `key` was used before
    (nothing changes: idempotent). The lot's validity runs from `earned_at` (an order's placed time;
    default `now`)."""
    require_aware(now)
    _validate(delta, kind, CREDIT_KINDS, key, "credit")
    if delta <= 0:
        raise ValueError("credit needs a positive delta")
    row, created, debt = _write(session, member, _row(
        member, delta, kind, reason_code, dict(params or {}), key, now, order, actor=actor, remaining=delta,
        expires_at=points_expiry((earned_at or now).astimezone(now.tzinfo), settings) if expires else None))
    if not created:
        return None
    repay = repayment(delta, debt)
    if repay:  # what the member owes comes first: taken from this very lot
        values = repaid_row(member.id, repay, debt - repay, key, row.order_id, now)
        _repaid, made = write_once(session, member, values, need=repay)
        if made:
            _consume(session, member.id, repay, prefer_lots=[row.id])
    return row


def debit(session: Session, member: Member, cost: int, kind: str, reason_code: str,
          params: Mapping[str, Any] | None, key: str, now: datetime, *, order: Order | None = None,
          actor: str | None = None, prefer_lots: Iterable[int] = ()) -> PointsLedger:
    """Take `cost` (> 0) points or raise InsufficientPoints. A repeated `key` returns the row written
    the first time and takes nothing more."""
    row, _created = debit_once(session, member, cost, kind, reason_code, params, key, now,
                               order=order, actor=actor, prefer_lots=prefer_lots)
    return row


def debit_once(session: Session, member: Member, cost: int, kind: str, reason_code: str,
               params: Mapping[str, Any] | None, key: str, now: datetime, *, order: Order | None = None,
               actor: str | None = None, prefer_lots: Iterable[int] = ()) -> tuple[PointsLedger, bool]:
    """`debit`, also saying whether this call took the points (True) or found `key` used (False)."""
    existing = _checked_debit(session, cost, kind, key, now, "debit needs a positive cost")
    if existing is not None:
        return existing, False
    # THE debit: one conditional UPDATE. Read-then-write would double-spend under concurrency.
    row, created = write_once(session, member, _row(member, -cost, kind, reason_code, dict(params or {}), key, now,
                                                    order, actor=actor), need=cost)
    if created:
        _consume(session, member.id, cost, prefer_lots)
    return row, created


def take_up_to(session: Session, member: Member, wanted: int, kind: str, reason_code: str,
               params: Mapping[str, Any] | None, key: str, now: datetime, *, order: Order | None = None,
               prefer_lots: Iterable[int] = ()) -> tuple[PointsLedger, bool]:
    """Take `wanted` points, or as many as the member still has (the balance never goes below zero).
    The row's `delta` is what was taken and `shortfall` what could not be; `params` gain `points`
    and `shortfall`. Returns (row, created); a repeated `key` returns the first row."""
    existing = _checked_debit(session, wanted, kind, key, now, "take_up_to needs a positive amount")
    if existing is not None:
        return existing, False
    lock_member(session, member.id)
    take = min(balance_of(session, member.id), wanted)
    params = dict(params or {}, points=take, shortfall=wanted - take)
    values = _row(member, -take, kind, reason_code, params, key, now, order)
    values["shortfall"] = values["debt_delta"] = wanted - take  # owed from now on, repaid by the next earnings
    row, created = write_once(session, member, values, need=take)
    if created:
        _consume(session, member.id, take, prefer_lots)
    return row, created


def _consume(session: Session, member_id: int, amount: int, prefer_lots: Iterable[int] = ()) -> None:
    """Lower the `remaining` of the member's lots by `amount` in total: preferred lots first, then
    earliest expiry, non-expiring lots last, oldest first. Called with the member row locked."""
    left = amount
    if left <= 0:
        return
    prefer = [i for i in prefer_lots if i]
    order_by = [case((PointsLedger.id.in_(prefer), 0), else_=1)] if prefer else []
    order_by += [PointsLedger.expires_at.is_(None), PointsLedger.expires_at, PointsLedger.id]
    lots = session.execute(
        select(PointsLedger.id, PointsLedger.remaining)
        .where(PointsLedger.member_id == member_id, PointsLedger.remaining > 0).order_by(*order_by)).all()
    for lot_id, remaining in lots:
        take = min(remaining, left)
        _take_from_lot(session, lot_id, take)
        left -= take
        if left == 0:
            return
    raise RuntimeError(f"member {member_id}: lots hold {amount - left} points, less than the {amount} taken")


def _take_from_lot(session: Session, lot_id: int, take: int) -> None:
    result = session.execute(
        update(PointsLedger).where(PointsLedger.id == lot_id, PointsLedger.remaining >= take)
        .values(remaining=PointsLedger.remaining - take).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise RuntimeError(f"lot {lot_id} changed under the member lock")
    obj = session.identity_map.get(identity_key(PointsLedger, lot_id))
    if obj is not None:
        session.expire(obj, ["remaining"])


# -- reading ----------------------------------------------------------------------------------------

def ledger_sum(session: Session, member_id: int) -> int:
    return int(session.scalar(select(func.coalesce(func.sum(PointsLedger.delta), 0))
                              .where(PointsLedger.member_id == member_id)))


def balance_check(session: Session, member: Member) -> bool:
    """True when the cached balance equals the sum of the ledger (and is not negative)."""
    session.flush()
    balance = balance_of(session, member.id)
    return balance >= 0 and balance == ledger_sum(session, member.id)


def find_inconsistencies(session: Session) -> list[dict[str, int]]:
    """Every member whose balance is negative, differs from SUM(delta), or differs from what their
    lots still hold, or whose debt is negative or differs from SUM(debt_delta). Empty when all is
    well (an operator's check; the tests run it after each test)."""
    session.flush()
    sums = (select(PointsLedger.member_id.label("mid"),
                   func.sum(PointsLedger.delta).label("total"),
                   func.sum(func.coalesce(PointsLedger.remaining, 0)).label("lots"),
                   func.sum(PointsLedger.debt_delta).label("debt"))
            .group_by(PointsLedger.member_id).subquery())
    rows = session.execute(
        select(Member.id, Member.balance, func.coalesce(sums.c.total, 0), func.coalesce(sums.c.lots, 0),
               Member.points_debt, func.coalesce(sums.c.debt, 0))
        .outerjoin(sums, sums.c.mid == Member.id)).all()
    return [{"member_id": mid, "balance": bal, "ledger_sum": int(total), "lots": int(lots),
             "debt": debt, "ledger_debt": int(owed)}
            for mid, bal, total, lots, debt, owed in rows
            if bal < 0 or bal != int(total) or bal != int(lots) or debt < 0 or debt != int(owed)]


def debt_of(session: Session, member_id: int) -> int:
    """The points the member owes right now (refunds of points already spent, not yet repaid)."""
    return int(session.scalar(select(Member.points_debt).where(Member.id == member_id)) or 0)


EXPIRY_INSTANTS_READ = 16
# built once (it runs for every points question): a member's live points per expiry instant, soonest first
SOONEST_EXPIRIES = (select(PointsLedger.expires_at, func.sum(PointsLedger.remaining))
                    .where(PointsLedger.member_id == bindparam("member_id"), PointsLedger.remaining > 0,
                           PointsLedger.expires_at > bindparam("now"))
                    .group_by(PointsLedger.expires_at).order_by(PointsLedger.expires_at)
                    .limit(EXPIRY_INSTANTS_READ))


def expiring_next(session: Session, member: Member, now: datetime) -> tuple[int, date] | None:
    """(points, last day they can be used) for the next batch of points to expire, or None."""
    require_aware(now)
    # one statement in the usual case: the live points summed per expiry instant, soonest first; the
    # first day's are all here unless every instant read falls on that day (then the sum is asked for)
    # (on the session's connection: a Core statement, which the session's ORM handling would cost more
    # than running; flushed first, as the session would)
    session.flush()
    soonest = session.connection().execute(SOONEST_EXPIRIES, {"member_id": member.id, "now": now}).all()
    if not soonest:
        return None
    first = soonest[0][0]
    day = last_valid_day(first, now)
    day_ends = end_of_local_day(day, now)
    if len(soonest) < EXPIRY_INSTANTS_READ or soonest[-1][0] > day_ends:
        return int(sum(points for until, points in soonest if until <= day_ends)), day
    # bounded below by `first` (which is after `now`), so the index range skips the used-up lots before it
    points = session.scalar(select(func.coalesce(func.sum(PointsLedger.remaining), 0))
                            .where(PointsLedger.member_id == member.id, PointsLedger.remaining > 0,
                                   PointsLedger.expires_at.between(first, end_of_local_day(day, now))))
    return int(points), day


def history(session: Session, member: Member, limit: int = 10) -> list[PointsLedger]:
    """The member's latest ledger rows, newest first."""
    return list(session.scalars(select(PointsLedger).where(PointsLedger.member_id == member.id)
                                .order_by(PointsLedger.created_at.desc(), PointsLedger.id.desc()).limit(limit)))
