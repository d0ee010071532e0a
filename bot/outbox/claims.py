"""The database side of the outbox sender: claiming due rows into batches, and settling batches.

A batch is one call to LINE: an `outbox_batches` row holding its retry key, attempts and lease, and
the outbox rows that point to it. Fresh rows are claimed, judged and batched in one transaction:
the due rows never tried are read with their members (on PostgreSQL locked FOR UPDATE SKIP LOCKED,
so concurrent senders take different rows; on SQLite the unit holds the write lock), and the same
transaction records every verdict and every batch with its new key. So the key is committed before
LINE is called, and a recipient's row is written twice on its way to 'sent': claimed into its batch,
then settled with it by one UPDATE ... WHERE batch_id.

A batch in 'sending' is leased (`claimed_at`) to the sender that claimed it; every later write names
the claim, so a sender whose lease ran out cannot overwrite the new owner's work. A batch that LINE
may already have accepted is claimed, held, sent and settled whole and never split: a row left out
of a request LINE accepted under the key would be answered 409 later and wrongly counted as sent.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import Text, and_, cast, delete, insert, literal_column, or_, select, text, update
from sqlalchemy.orm import Session

from core.bulk import one_of
from rewards.models import UNSENT, Member, Outbox

from .batches import Batch
from .models import OutboxBatch

# Core statements on the tables: a drain touches thousands of rows, and ORM objects would cost more
# than the rest of the work.
OUTBOX = Outbox.__table__
BATCHES = OutboxBatch.__table__

# spelled as the partial indexes spell them (a bound parameter would not match them on SQLite)
_PENDING = OUTBOX.c.status == literal_column("'pending'")
_UNSENT = text("outbox." + UNSENT)


# (named tuples: a claim reads thousands of rows, and these are the cheapest to build)
class ClaimedRow(NamedTuple):
    id: int
    kind: str
    category: str
    params_json: str  # as stored: the renders are cached by it, and parsed only when rendered
    to_user_id: str | None


class Recipient(NamedTuple):
    """What sending needs to know of a member (the messaging policy reads these attributes)."""
    id: int
    line_user_id: str | None
    language: str
    status: str
    is_blocked: bool
    marketing_opt_in: bool


_ROW = [OUTBOX.c.id, OUTBOX.c.kind, OUTBOX.c.category, cast(OUTBOX.c.params, Text), OUTBOX.c.to_user_id]
_MEMBER = [Member.__table__.c[f] for f in Recipient._fields]
Loaded = list[tuple[ClaimedRow, Recipient | None]]


def _load(session: Session, where, order_by, limit: int | None = None, lock: bool = False) -> Loaded:
    members = Member.__table__
    q = (select(*_ROW, *_MEMBER).select_from(OUTBOX.outerjoin(members, members.c.id == OUTBOX.c.member_id))
         .where(*where).order_by(*order_by).limit(limit))
    if lock:
        q = q.with_for_update(skip_locked=True, of=OUTBOX)
    n = len(_ROW)
    row, member = ClaimedRow._make, Recipient._make
    return [(row(r[:n]), member(r[n:]) if r[n] is not None else None) for r in session.execute(q).all()]


# ---------------------------------------------------------------------------- fresh rows
def _first_of_its_member(now: datetime):
    """No earlier message of the same member is due or on its way: a member's messages go one at a
    time, in the order they were made, whatever the number of senders (a later row waits while an
    earlier one is claimed by another sender, in flight, or waiting for a retry, in its batch or
    given back with its error). A row not due yet and never tried (held for quiet hours, or
    scheduled) does not hold back what was made after it."""
    earlier = OUTBOX.alias("earlier")
    return ~(select(literal_column("1")).where(
        earlier.c.member_id == OUTBOX.c.member_id, earlier.c.id < OUTBOX.c.id, text("earlier." + UNSENT),
        or_(earlier.c.batch_id.is_not(None), earlier.c.not_before <= now, earlier.c.last_error.is_not(None)))
        .exists())


def claim_fresh(session: Session, now: datetime, limit: int) -> Loaded:
    """Up to `limit` due rows never tried, oldest first, with their members, each the first of its
    member's still to send; locked until the unit of work ends, which must record a verdict or a
    batch for each (`mark`, `open_batches`)."""
    return _load(session, [_PENDING, OUTBOX.c.not_before <= now, OUTBOX.c.batch_id.is_(None),
                           _first_of_its_member(now)],
                 [OUTBOX.c.not_before, OUTBOX.c.id], limit, lock=True)


def open_batches(session: Session, batches: list[Batch], now: datetime) -> None:
    """Record each batch with a new retry key, its first attempt now and its lease, and point its
    rows to it."""
    if not batches:
        return
    for batch in batches:
        batch.retry_key, batch.first_attempt_at, batch.attempts = str(uuid.uuid4()), now, 1
    ids = dict(session.execute(insert(BATCHES).returning(BATCHES.c.retry_key, BATCHES.c.id), [
        dict(retry_key=b.retry_key, multicast=b.multicast, status="sending", attempts=1, first_attempt_at=now,
             claimed_at=now, not_before=now) for b in batches]).all())
    for batch in batches:
        batch.id = ids[batch.retry_key]
        session.execute(update(OUTBOX).where(one_of(session, OUTBOX.c.id, batch.row_ids))
                        .values(status="sending", batch_id=batch.id))


def mark(session: Session, ids: list[int], status: str, **values) -> int:
    """A verdict on claimed rows: 'skipped' (with skip_reason), 'failed' (with last_error), or
    'pending' (held: with not_before)."""
    if not ids:
        return 0
    return session.execute(update(OUTBOX).where(one_of(session, OUTBOX.c.id, ids), _UNSENT)
                           .values(status=status, **values)).rowcount


# ---------------------------------------------------------------------------- batches tried before
def _due(now: datetime, lease: timedelta):
    return or_(and_(BATCHES.c.status == "pending", BATCHES.c.not_before <= now),
               and_(BATCHES.c.status == "sending", BATCHES.c.claimed_at < now - lease))


def due_batches(session: Session, now: datetime, lease: timedelta, limit: int) -> list[int]:
    """Batches tried before that are due again (a retry, or a lease run out), oldest first."""
    return list(session.scalars(select(BATCHES.c.id).where(_due(now, lease)).order_by(BATCHES.c.id).limit(limit)))


def claim_batch(session: Session, batch_id: int, now: datetime, lease: timedelta) -> tuple[Batch, Loaded] | None:
    """Lease one due batch and count an attempt; its rows still unsent, with their members. None
    when another sender has it."""
    found = session.execute(
        update(BATCHES).where(BATCHES.c.id == batch_id, _due(now, lease))
        .values(status="sending", claimed_at=now, attempts=BATCHES.c.attempts + 1)
        .returning(BATCHES.c.retry_key, BATCHES.c.multicast, BATCHES.c.attempts, BATCHES.c.first_attempt_at)).first()
    if found is None:
        return None
    session.execute(update(OUTBOX).where(OUTBOX.c.batch_id == batch_id, _UNSENT).values(status="sending"))
    rows = _load(session, [OUTBOX.c.batch_id == batch_id, _UNSENT], [OUTBOX.c.id])
    batch = Batch(row_ids=[], user_ids=[], messages=[], id=batch_id, retry_key=found.retry_key,
                  multicast=bool(found.multicast), attempts=found.attempts, first_attempt_at=found.first_attempt_at)
    return batch, rows


# ---------------------------------------------------------------------------- settling a batch
def _own(session: Session, batch: Batch, claim: datetime, **values) -> bool:
    """Write the batch's row if it is still ours (same claim); False when the lease was taken over."""
    return session.execute(update(BATCHES).where(BATCHES.c.id == batch.id, BATCHES.c.status == "sending",
                                                 BATCHES.c.claimed_at == claim).values(**values)).rowcount == 1


def _rows_of(session: Session, batch: Batch, **values) -> int:
    return session.execute(update(OUTBOX).where(OUTBOX.c.batch_id == batch.id, _UNSENT).values(**values)).rowcount


def settle_sent(session: Session, batch: Batch, claim: datetime, now: datetime) -> int:
    """LINE took the batch: it and its rows are sent. Returns how many rows (0: not ours any more)."""
    if not _own(session, batch, claim, status="sent", claimed_at=None, last_error=None):
        return 0
    return _rows_of(session, batch, status="sent", sent_at=now, last_error=None)


def settle_failed(session: Session, batch: Batch, claim: datetime, error: str) -> int:
    if not _own(session, batch, claim, status="failed", claimed_at=None, last_error=error[:2000]):
        return 0
    return _rows_of(session, batch, status="failed", last_error=error[:2000])


def release(session: Session, batch: Batch, claim: datetime, not_before: datetime | None = None,
            error: str | None = None, untried: bool = False) -> int:
    """Back to pending under the same key, to be retried from `not_before` (if given); `untried`: the
    attempt counted at the claim was not made."""
    values: dict = {"status": "pending", "claimed_at": None}
    if not_before is not None:
        values["not_before"] = not_before
    if error is not None:
        values["last_error"] = error[:2000]
    if untried:
        values["attempts"] = BATCHES.c.attempts - 1
    if not _own(session, batch, claim, **values):
        return 0
    values.pop("claimed_at"), values.pop("attempts", None)
    return _rows_of(session, batch, **values)


def dissolve(session: Session, batch: Batch, claim: datetime, not_before: datetime | None = None,
             error: str | None = None) -> int:
    """The rows go back to pending without a batch, to be judged afresh; the key is forgotten. Only
    for a batch LINE never took under its key (never called, or refused outright), so that a new
    key later cannot deliver anything twice."""
    if not _own(session, batch, claim, claimed_at=None):
        return 0
    values: dict = {"status": "pending", "batch_id": None}
    if not_before is not None:
        values["not_before"] = not_before
    if error is not None:
        values["last_error"] = error[:2000]
    released = _rows_of(session, batch, **values)
    session.execute(delete(BATCHES).where(BATCHES.c.id == batch.id))
    return released
