"""The database side of the outbox sender: claiming due rows and recording what became of them.

A claim is a lease: status 'sending' with `claimed_at` = the claim's instant. Every later write
names the claim, so a sender whose lease ran out (and whose rows another sender took over) cannot
overwrite the new owner's work. Claiming is one UPDATE of the rows still due: on PostgreSQL the rows
are picked with FOR UPDATE SKIP LOCKED, so concurrent senders take different rows; on SQLite (where
FOR UPDATE compiles to nothing) the single UPDATE is atomic under the database's write lock.

Rows sharing a retry key form one batch that LINE may already have accepted. They are claimed,
held, sent and settled together and never split: a row left out of a request LINE accepted under
the key would be answered 409 later and wrongly counted as sent.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from rewards.models import Member, Outbox

# Core statements on the table: a drain touches thousands of rows, and ORM objects would cost more
# than the rest of the work.
OUTBOX = Outbox.__table__


@dataclass(frozen=True)
class ClaimedRow:
    id: int
    kind: str
    category: str
    params: dict
    to_user_id: str | None
    retry_key: str | None
    first_attempt_at: datetime | None
    attempts: int


@dataclass(frozen=True)
class Recipient:
    """What sending needs to know of a member (the messaging policy reads these attributes)."""
    id: int
    line_user_id: str | None
    language: str
    status: str
    is_blocked: bool
    marketing_opt_in: bool


_ROW = [OUTBOX.c[f] for f in ClaimedRow.__dataclass_fields__]
_MEMBER = [Member.__table__.c[f] for f in Recipient.__dataclass_fields__]


def due(now: datetime, lease: timedelta):
    return or_(and_(OUTBOX.c.status == "pending", OUTBOX.c.not_before <= now),
               and_(OUTBOX.c.status == "sending", OUTBOX.c.claimed_at < now - lease))


def _claim(session: Session, pick, now: datetime, lease: timedelta) -> list[int]:
    result = session.execute(update(OUTBOX).where(OUTBOX.c.id.in_(pick), due(now, lease))
                             .values(status="sending", claimed_at=now).returning(OUTBOX.c.id))
    return sorted(result.scalars())


def claim_fresh(session: Session, now: datetime, lease: timedelta, limit: int) -> list[int]:
    """Claim up to `limit` due rows that were never tried (no retry key yet), oldest first."""
    pick = (select(OUTBOX.c.id).where(OUTBOX.c.retry_key.is_(None), due(now, lease))
            .order_by(OUTBOX.c.not_before, OUTBOX.c.id).limit(limit)
            .with_for_update(skip_locked=True))
    return _claim(session, pick, now, lease)


def due_batch_keys(session: Session, now: datetime, lease: timedelta, limit: int) -> list[str]:
    """Retry keys of batches that were tried before and are due again, oldest first."""
    return list(session.scalars(
        select(OUTBOX.c.retry_key).where(OUTBOX.c.retry_key.is_not(None), due(now, lease))
        .group_by(OUTBOX.c.retry_key).order_by(func.min(OUTBOX.c.id)).limit(limit)))


def claim_batch(session: Session, retry_key: str, now: datetime, lease: timedelta) -> list[int]:
    """Claim every due row of one batch, or none: the rows are locked in id order and waited for
    (not skipped), so two senders never share a batch."""
    pick = (select(OUTBOX.c.id).where(OUTBOX.c.retry_key == retry_key, due(now, lease))
            .order_by(OUTBOX.c.id).with_for_update())
    return _claim(session, pick, now, lease)


def batch_size(session: Session, retry_key: str) -> int:
    """How many rows were ever sent under this key (whatever became of them since)."""
    return session.scalar(select(func.count()).select_from(OUTBOX).where(OUTBOX.c.retry_key == retry_key))


def load(session: Session, ids: list[int]) -> list[tuple[ClaimedRow, Recipient | None]]:
    members = Member.__table__
    joined = OUTBOX.outerjoin(members, members.c.id == OUTBOX.c.member_id)
    result = session.execute(select(*_ROW, *_MEMBER).select_from(joined)
                             .where(OUTBOX.c.id.in_(ids)).order_by(OUTBOX.c.id))
    n = len(_ROW)
    return [(ClaimedRow(*r[:n]), Recipient(*r[n:]) if r[n] is not None else None) for r in result]


def _mine(ids: list[int], claim: datetime):
    return and_(OUTBOX.c.id.in_(ids), OUTBOX.c.status == "sending", OUTBOX.c.claimed_at == claim)


def _set(session: Session, ids: list[int], claim: datetime, **values) -> list[int]:
    if not ids:
        return []
    result = session.execute(update(OUTBOX).where(_mine(ids, claim)).values(**values).returning(OUTBOX.c.id))
    return sorted(result.scalars())


def start_attempt(session: Session, ids: list[int], claim: datetime, now: datetime,
                  new_key: str | None = None) -> list[int]:
    """Count an attempt; with `new_key`, first give the rows their retry key (committed before LINE
    is called, so a crash mid-call leaves the key to retry with). Returns the rows still ours."""
    if new_key is None:
        return _set(session, ids, claim, attempts=OUTBOX.c.attempts + 1)
    if not ids:
        return []
    result = session.execute(
        update(OUTBOX).where(_mine(ids, claim), OUTBOX.c.retry_key.is_(None))
        .values(retry_key=new_key, first_attempt_at=now, attempts=OUTBOX.c.attempts + 1).returning(OUTBOX.c.id))
    return sorted(result.scalars())


def mark_sent(session: Session, ids: list[int], claim: datetime, now: datetime) -> list[int]:
    return _set(session, ids, claim, status="sent", sent_at=now, claimed_at=None, last_error=None)


def mark_failed(session: Session, ids: list[int], claim: datetime, error: str) -> list[int]:
    return _set(session, ids, claim, status="failed", claimed_at=None, last_error=error[:2000])


def mark_skipped(session: Session, ids: list[int], claim: datetime, reason: str) -> list[int]:
    return _set(session, ids, claim, status="skipped", claimed_at=None, skip_reason=reason)


def release(session: Session, ids: list[int], claim: datetime, not_before: datetime | None = None,
            error: str | None = None, forget_key: bool = False) -> list[int]:
    """Back to pending (from `not_before`, if given). `forget_key` only when LINE certainly refused
    every attempt under the key, so a fresh key later cannot send anything twice."""
    values: dict = {"status": "pending", "claimed_at": None}
    if not_before is not None:
        values["not_before"] = not_before
    if error is not None:
        values["last_error"] = error[:2000]
    if forget_key:
        values.update(retry_key=None, first_attempt_at=None)
    return _set(session, ids, claim, **values)
