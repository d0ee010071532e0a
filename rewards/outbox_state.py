"""What became of an outbox message, for every reader: the one place that says it.

The sender claims a message into a call to LINE (an `outbox_batches` row) by an `outbox_claims`
row, and when LINE takes the call the batch's row is the only write. So a claimed message is in its
batch's state (waiting for a retry, being sent, sent at the batch's `sent_at`, or failed with its
error), whatever its own row still says. The outbox rows are settled later, set-based (`settle`):
their status, sent_at, batch_id and last_error copied from the batch and the claims deleted. Readers
read `status`, `sent_at`, `batch_id`, `last_error` and `not_before` through `STATE` (from `FROM_`), so they get
the same answer before and after the settle.

    select(STATE.status, func.count()).select_from(FROM_).where(...).group_by(STATE.status)
"""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import case, delete, exists, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from core.bulk import one_of

from .models import BATCH_LANDED, Outbox, OutboxBatch, OutboxClaim

OUTBOX = Outbox.__table__
CLAIMS = OutboxClaim.__table__
BATCHES = OutboxBatch.__table__

# the outbox with each claimed row's claim and batch
FROM_ = OUTBOX.outerjoin(CLAIMS, CLAIMS.c.outbox_id == OUTBOX.c.id).outerjoin(BATCHES, BATCHES.c.id == CLAIMS.c.batch_id)


class STATE:
    """A row's state: its batch's while it is claimed (a claim always has its batch), else its own."""
    _claimed = BATCHES.c.id.is_not(None)
    status = case((_claimed, BATCHES.c.status), else_=OUTBOX.c.status)
    sent_at = case((_claimed, BATCHES.c.sent_at), else_=OUTBOX.c.sent_at)
    batch_id = case((_claimed, BATCHES.c.id), else_=OUTBOX.c.batch_id)
    last_error = case((_claimed, BATCHES.c.last_error), else_=OUTBOX.c.last_error)
    # when it goes: a batch waiting for a retry, at its not_before
    not_before = case((BATCHES.c.status == "pending", BATCHES.c.not_before), else_=OUTBOX.c.not_before)


def unclaimed(outbox=OUTBOX):
    """The row is not in a call to LINE: for a writer that cancels what waits (a claimed row is
    its batch's, which LINE may have taken already)."""
    return ~exists().where(CLAIMS.c.outbox_id == outbox.c.id)


def with_state(session: Session, rows: Iterable[Outbox]) -> list[Outbox]:
    """ORM rows as a reader should see them: a claimed row's status, sent_at, batch_id and last_error
    set from its batch (and not_before, while the batch waits for a retry), as loaded values (nothing
    is written)."""
    rows = list(rows)
    if not rows:
        return rows
    found = {r.outbox_id: r for r in session.execute(
        select(CLAIMS.c.outbox_id, BATCHES.c.id, BATCHES.c.status, BATCHES.c.sent_at, BATCHES.c.last_error,
               BATCHES.c.not_before)
        .join(BATCHES, BATCHES.c.id == CLAIMS.c.batch_id)
        .where(one_of(session, CLAIMS.c.outbox_id, [r.id for r in rows])))}
    for row in rows:
        batch = found.get(row.id)
        if batch is not None:
            for name, value in (("status", batch.status), ("sent_at", batch.sent_at), ("batch_id", batch.id),
                                ("last_error", batch.last_error)):
                set_committed_value(row, name, value)
            if batch.status == "pending":
                set_committed_value(row, "not_before", batch.not_before)
    return rows


def settle(session: Session, limit: int = 50_000) -> int:
    """Copy the state of landed batches (sent or failed) onto their claimed outbox rows and drop the
    claims, up to about `limit` rows; returns how many rows were settled. Set-based, and safe to run
    at any time and in several processes (a row is written from its claim, once)."""
    landed = list(session.scalars(
        select(BATCHES.c.id).where(BATCHES.c.status.in_(BATCH_LANDED),
                                   exists().where(CLAIMS.c.batch_id == BATCHES.c.id))
        .order_by(BATCHES.c.id).limit(max(limit // 500, 1))))
    if not landed:
        return 0
    settled = session.execute(
        update(OUTBOX).where(OUTBOX.c.id == CLAIMS.c.outbox_id, BATCHES.c.id == CLAIMS.c.batch_id,
                             one_of(session, CLAIMS.c.batch_id, landed))
        .values(status=BATCHES.c.status, sent_at=BATCHES.c.sent_at, batch_id=BATCHES.c.id,
                last_error=BATCHES.c.last_error)).rowcount
    session.execute(delete(CLAIMS).where(one_of(session, CLAIMS.c.batch_id, landed)))
    return settled
