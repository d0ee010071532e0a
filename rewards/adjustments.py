"""Staff adjustments of a member's points: always a ledger `adjust` row plus an audit row."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from core.field_errors import FieldErrors

from . import audit, ledger, notices
from .models import Member, PointsLedger
from .settings import ProgramSettings
from core.timeutil import require_aware

MAX_ADJUSTMENT = 1_000_000


def adjust_points(session: Session, member: Member, delta: int, reason: str, actor: str, now: datetime,
                  settings: ProgramSettings, key: str | None = None) -> PointsLedger:
    """Add (delta > 0, a new lot that expires like earned points) or take (delta < 0) points by hand.

    `reason` is shown to the member; `actor` is who did it (staff email, "cli:...", "api:keyname").
    A taking adjustment cannot bring the balance below zero: it raises InsufficientPoints. Pass a
    `key` (e.g. a nonce minted into the console form) to make a resubmitted form change nothing:
    the first row is returned and no second audit row written.
    """
    require_aware(now)
    errors: dict[str, str] = {}
    if not isinstance(delta, int) or isinstance(delta, bool) or delta == 0 or abs(delta) > MAX_ADJUSTMENT:
        errors["delta"] = f"must be a non-zero whole number of points (at most {MAX_ADJUSTMENT:,} either way)"
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = "is required"
    elif len(reason) > 500:
        errors["reason"] = "must be at most 500 characters"
    if not actor:
        errors["actor"] = "is required"
    if errors:
        raise FieldErrors(errors)
    key = f"adjust:{member.id}:{key}" if key else f"adjust:{member.id}:{uuid.uuid4().hex}"
    existing = ledger.entry_for_key(session, key)
    if existing is not None:
        return existing
    params = {"delta": delta, "reason": reason}
    if delta > 0:
        row = ledger.credit(session, member, delta, "adjust", "adjust", params, key, now, settings, actor=actor)
        created = row is not None
        row = row or ledger.entry_for_key(session, key)
    else:
        row, created = ledger.debit_once(session, member, -delta, "adjust", "adjust", params, key, now, actor=actor)
    if created:
        audit.record(session, actor, "points.adjust", f"member:{member.member_code}",
                     {"delta": delta, "reason": reason, "ledger_id": row.id,
                      "balance_after": ledger.balance_of(session, member.id)}, now)
        # the member hears of it, with the reason (a service message, through the outbox)
        notices.queue_notice(session, member, "points_adjusted", "service",
                             {"delta": delta, "reason": reason, "balance": ledger.balance_of(session, member.id)},
                             f"points_adjusted:{row.id}", now)
    return row
