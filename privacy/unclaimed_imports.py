"""Member records moved in from another programme that nobody claimed are erased: when they are
older than the programme's `unclaimed_import_days` (the worker's `unclaimed-imports` sweep), or all of
one source at once (`flask --app app members erase-unclaimed --source NAME`).

A batch at a time, set-based: the record's points end (an `expire` row, reason `import_unclaimed`),
its member row keeps nothing personal (rewards.membership.erased_values: name, phone, birthday,
marketing consent), and its import row loses the email and the claim code. What stays: the source
and the other programme's external id (so a re-run of the same file recognises the record and does
not bring it back), and the anonymous ledger rows (the shop's books).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import literal, select, update
from sqlalchemy.orm import Session

from core.bulk import insert_select_new, json_with
from rewards.membership import erased_values
from rewards.models import Member, MemberImport, PointsLedger
from rewards.settings import ProgramSettings
from core.timeutil import require_aware

BATCH = 1000
REASON = "import_unclaimed"


def due_batch(session: Session, now: datetime, settings: ProgramSettings, limit: int = BATCH) -> int:
    """Erase up to `limit` records unclaimed `unclaimed_import_days` after their import; how many."""
    require_aware(now)
    if settings.unclaimed_import_days <= 0:
        return 0
    return _erase(session, now, limit, MemberImport.imported_at < now - timedelta(days=settings.unclaimed_import_days))


def source_batch(session: Session, source: str, now: datetime, limit: int = BATCH) -> int:
    """Erase up to `limit` unclaimed records of `source`, whatever their age; how many."""
    require_aware(now)
    return _erase(session, now, limit, MemberImport.source == source)


def _erase(session: Session, now: datetime, limit: int, which) -> int:
    unclaimed = (MemberImport.claimed_at.is_(None), MemberImport.erased_at.is_(None))
    rows = session.execute(select(MemberImport.id, MemberImport.member_id).where(*unclaimed, which)
                           .order_by(MemberImport.imported_at, MemberImport.id).limit(limit)
                           .with_for_update(skip_locked=True)).all()
    if not rows:
        return 0
    import_ids, member_ids = [r[0] for r in rows], [r[1] for r in rows]
    ending = (select(Member.id, -Member.balance, literal("expire"), literal(""), literal(REASON),
                     json_with(session, {}, points=Member.balance),
                     literal("import-unclaimed:") + MemberImport.source + literal(":") + MemberImport.external_id,
                     literal(now, PointsLedger.created_at.type), literal(0), literal(0))
              .join(MemberImport, MemberImport.member_id == Member.id)
              .where(Member.id.in_(member_ids), Member.balance > 0))
    insert_select_new(session, PointsLedger, ["member_id", "delta", "kind", "reason", "reason_code", "reason_params",
                                              "idempotency_key", "created_at", "shortfall", "debt_delta"], ending)
    session.execute(update(PointsLedger).where(PointsLedger.member_id.in_(member_ids), PointsLedger.remaining > 0)
                    .values(remaining=0).execution_options(synchronize_session=False))
    session.execute(update(Member).where(Member.id.in_(member_ids), Member.status == "imported")
                    .values(balance=0, **erased_values(now)).execution_options(synchronize_session=False))
    session.execute(update(MemberImport).where(MemberImport.id.in_(import_ids))
                    .values(email=None, claim_code=None, erased_at=now).execution_options(synchronize_session=False))
    return len(rows)
