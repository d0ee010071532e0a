"""Points expiry: a sweep that writes one `expire` row per lot that has passed its `expires_at`.

Idempotent (ledger key `expire:{lot_id}`) and safe to run any number of times, by more than one
worker: each lot is handled under its member's lock and re-read after taking it.
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .ledger import entry_for_key
from .models import Member, PointsLedger
from .settings import ProgramSettings
from core.timeutil import require_aware
from .tx import isolated, lock_member, savepoint

if TYPE_CHECKING:
    from core.sweep_batches import Skips


def expire_points(session: Session, now: datetime, settings: ProgramSettings, limit: int | None = None,
                  skips: Skips | None = None) -> int:
    """Expire every lot whose `expires_at` is at or before `now` and that still holds points, oldest
    first. Returns the number of `expire` rows written (0 on a second run). With `skips`, a lot that
    fails is skipped (rewards.tx.isolated)."""
    require_aware(now)
    session.flush()
    q = (select(PointsLedger.id, PointsLedger.member_id)
         .where(PointsLedger.expires_at <= now, PointsLedger.remaining > 0)
         .order_by(PointsLedger.expires_at, PointsLedger.id))
    if limit is not None:
        q = q.limit(limit)
    written = 0
    for lot_id, member_id in session.execute(q).all():
        with isolated(session, skips, lot_id):
            if _expire_lot(session, lot_id, member_id, now):
                written += 1
    return written


def _expire_lot(session: Session, lot_id: int, member_id: int, now: datetime) -> bool:
    key = f"expire:{lot_id}"
    if entry_for_key(session, key) is not None:
        return False
    try:
        with savepoint(session):
            lock_member(session, member_id)
            lot = session.execute(select(PointsLedger).where(PointsLedger.id == lot_id)
                                  .execution_options(populate_existing=True)).scalar_one()
            points = lot.remaining or 0
            if points <= 0:
                return False
            member = session.get(Member, member_id)
            earned_on = lot.created_at.astimezone(now.tzinfo).date().isoformat()
            params = {"points": points, "earned_on": earned_on, "lot_id": lot_id}
            row = PointsLedger(member_id=member_id, delta=-points, kind="expire", reason_code="expire", reason_params=params, idempotency_key=key,
                               order_id=lot.order_id, created_at=now, shortfall=0)
            session.add(row)
            session.flush()
            took = session.execute(update(PointsLedger).where(PointsLedger.id == lot_id,
                                                              PointsLedger.remaining == points)
                                   .values(remaining=0).execution_options(synchronize_session=False)).rowcount
            paid = session.execute(update(Member).where(Member.id == member_id, Member.balance >= points)
                                   .values(balance=Member.balance - points)
                                   .execution_options(synchronize_session=False)).rowcount
            if took != 1 or paid != 1:
                raise RuntimeError(f"lot {lot_id} or member {member_id} changed under the member lock")
            session.expire(lot, ["remaining"])
            if member is not None:
                session.expire(member, ["balance"])
    except IntegrityError:
        if entry_for_key(session, key) is not None:
            return False
        raise
    return True
