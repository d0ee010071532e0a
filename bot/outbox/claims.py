"""The database side of the outbox sender: claiming due rows into batches, and settling batches.

A batch is one call to LINE: an `outbox_batches` row holding its retry key, attempts and lease, and
the outbox rows claimed into it (`outbox_claims`, narrow rows). Fresh rows are claimed, judged and
batched in one transaction: the due rows never tried and not claimed are read with their members,
and the same transaction records every verdict and every batch with its new key and its claims. The
claim's primary key is the lock: on PostgreSQL two senders may read the same rows, and the second's
claims wait for the first's to commit and then write nothing (ON CONFLICT DO NOTHING), so the rows
it did not get leave its batches before LINE is called (locking the wide rows FOR UPDATE would write
each of them); on SQLite the unit holds the write lock. So the key is committed before LINE is
called, and the wide outbox row is not written on its way to 'sent': when LINE takes the batch, the
batch's row is the only write, and its messages are in its state from then on, whatever their rows
say (a verdict another sender wrote meanwhile included; rewards/outbox_state.py). `outbox_state.settle`
copies that state onto the outbox rows later, set-based (the worker, after each drain).

A batch in 'sending' is leased (`claimed_at`) to the sender that claimed it; every later write names
the claim, so a sender whose lease ran out cannot overwrite the new owner's work. A batch that LINE
may already have accepted is claimed, held, sent and settled whole and never split: a row left out
of a request LINE accepted under the key would be answered 409 later and wrongly counted as sent.
"""
from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import (String, Text, and_, cast, delete, exists, func, insert, literal_column, or_, select, text,
                        type_coerce, update)
from sqlalchemy.orm import Session

from core.bulk import dialect_of, one_of
from rewards.models import BATCH_LANDED, UNSENT, Member, Outbox

from .batches import Batch
from .models import OutboxBatch, OutboxClaim

# Core statements on the tables: a drain touches thousands of rows, and ORM objects would cost more
# than the rest of the work.
OUTBOX = Outbox.__table__
BATCHES = OutboxBatch.__table__
CLAIMS = OutboxClaim.__table__

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
# a row's not_before as the database hands it over (text on SQLite): only the last row's is used, as
# where the next claim goes on, and turning each into a datetime would cost more than the rest of the row
_RAW_NOT_BEFORE = type_coerce(OUTBOX.c.not_before, String())
_MEMBER = [Member.__table__.c[f] for f in Recipient._fields]
Loaded = list[tuple[ClaimedRow, Recipient | None]]


def _load(session: Session, where, order_by, limit: int | None = None, batch_id=None, extra=()) -> list:
    """The rows with their members (None for a row without one), and after them the `extra` columns."""
    members = Member.__table__
    rows = OUTBOX.outerjoin(members, members.c.id == OUTBOX.c.member_id)
    if batch_id is not None:
        rows = rows.join(CLAIMS, and_(CLAIMS.c.outbox_id == OUTBOX.c.id, CLAIMS.c.batch_id == batch_id))
    q = select(*_ROW, *_MEMBER, *extra).select_from(rows).where(*where).order_by(*order_by).limit(limit)
    n, m = len(_ROW), len(_ROW) + len(_MEMBER)
    row, member = ClaimedRow._make, Recipient._make
    return [(row(r[:n]), member(r[n:m]) if r[n] is not None else None, *r[m:]) for r in session.execute(q).all()]


def _claimed(outbox, landed: bool = False):
    """The row is claimed into a batch (`landed`: a batch LINE took, or that failed). An index probe
    per row whatever the planner's statistics say (a subquery with LIMIT is never made a join): the
    claims come and go by the thousand between two ANALYZEs."""
    if not landed:
        return select(CLAIMS.c.outbox_id).where(CLAIMS.c.outbox_id == outbox.c.id).limit(1).scalar_subquery() \
            .is_not(None)
    return exists().where(CLAIMS.c.outbox_id == outbox.c.id, BATCHES.c.id == CLAIMS.c.batch_id,
                          BATCHES.c.status.in_(BATCH_LANDED))


# ---------------------------------------------------------------------------- fresh rows
def _held_back(now: datetime):
    """An earlier message of the same member is due or on its way: a member's messages go one at a
    time, in the order they were made, whatever the number of senders (a later row waits while an
    earlier one is claimed by another sender, in flight, or waiting for a retry, in its batch or
    given back with its error). A row not due yet and never tried (held for quiet hours, or
    scheduled) does not hold back what was made after it, nor does one whose batch has landed (its
    row not settled yet). An index probe per row (ix_outbox_member_unsent), which finds nothing at
    once for a member with one message waiting."""
    earlier = OUTBOX.alias("earlier")
    return select(literal_column("1")).where(
        earlier.c.member_id == OUTBOX.c.member_id, earlier.c.id < OUTBOX.c.id, text("earlier." + UNSENT),
        or_(earlier.c.not_before <= now, earlier.c.last_error.is_not(None), _claimed(earlier)),
        ~_claimed(earlier, landed=True)).exists()


class Fresh(NamedTuple):
    """What a claim of fresh rows read: the rows to judge, with their members (the first of their
    member's still to send); how many it passed over, held back behind an earlier message of their
    member (they go once that one has landed: `claim_fresh` from the start); and where it ended,
    the last row's place for the next claim's `after` (None: nothing was left to read)."""
    rows: Loaded
    passed_over: int
    end: tuple | None


def claim_fresh(session: Session, now: datetime, limit: int, after: tuple | None = None) -> Fresh:
    """Up to `limit` due rows never tried and not claimed, oldest first (after `after`, a claim's
    `end`, when given), with their members. The unit of work must record a verdict or a batch for
    each of its rows (`mark`, `open_batches`)."""
    where = [_PENDING, OUTBOX.c.not_before <= now, ~_claimed(OUTBOX)]
    order = [OUTBOX.c.not_before, OUTBOX.c.id]
    extra = [_held_back(now), _RAW_NOT_BEFORE]
    if dialect_of(session) == "postgresql":  # read the due rows in the index's order, never all of them
        # sorted: the planner cannot know how many are claimed (claims come and go by the thousand
        # between two ANALYZEs). For the rest of the unit of work: it sorts nothing else.
        session.execute(text("set local enable_sort = off"))
    if after is None:
        read = _load(session, where, order, limit, extra=extra)
    else:  # in two parts, each a seek in the index (SQLite scans (not_before, id) > (?, ?) from not_before)
        read = _load(session, [*where, _RAW_NOT_BEFORE == after[0], OUTBOX.c.id > after[1]], order, limit,
                     extra=extra)
        if len(read) < limit:
            read += _load(session, [*where, _RAW_NOT_BEFORE > after[0]], order, limit - len(read), extra=extra)
    if not read:
        return Fresh([], 0, None)
    rows = [(row, member) for row, member, held, _n in read if not held]
    last = read[-1]
    return Fresh(rows, len(read) - len(rows), (last[3], last[0].id))


# On PostgreSQL a claim's batches and claims are one statement, the rows as array parameters: the
# batches' ids are drawn first, the claims go in (a row another sender claimed first is left out:
# ON CONFLICT waits for that sender's commit, then writes nothing), then the batches that got a row;
# it answers the rows claimed with their batches. On SQLite (which holds the write lock for the unit
# of work, so nobody else claims meanwhile) the batches, then each batch's claims from a JSON list.
_OPEN_ALL = text("""
with batch as materialized (
    select nextval(pg_get_serial_sequence('outbox_batches', 'id')) as id, n
    from generate_series(1, cardinality(cast(:keys as varchar[]))) as n),
claimed as (
    insert into outbox_claims (outbox_id, batch_id)
    select r.outbox_id, batch.id from unnest(cast(:ids as bigint[]), cast(:nths as integer[])) as r(outbox_id, n)
    join batch using (n)
    on conflict do nothing
    returning outbox_id, batch_id),
opened as (
    insert into outbox_batches (id, retry_key, multicast, status, attempts, first_attempt_at, claimed_at, not_before)
    select batch.id, k.retry_key, k.multicast, 'sending', 1, :now, :now, :now
    from batch join unnest(cast(:keys as varchar[]), cast(:multicasts as boolean[])) with ordinality
        as k(retry_key, multicast, n) using (n)
    where batch.id in (select batch_id from claimed))
select outbox_id, batch_id from claimed""")
_CLAIM_BATCH = text("insert into outbox_claims (outbox_id, batch_id) select value, :batch_id from json_each(:ids)")


def open_batches(session: Session, batches: list[Batch], now: datetime) -> list[Batch]:
    """Record each batch with a new retry key, its first attempt now and its lease, and claim its
    rows into it; the batches to send, without the rows another sender claimed first."""
    if not batches:
        return batches
    for batch in batches:
        batch.retry_key, batch.first_attempt_at, batch.attempts = str(uuid.uuid4()), now, 1
    if dialect_of(session) != "postgresql":
        ids = dict(session.execute(insert(BATCHES).returning(BATCHES.c.retry_key, BATCHES.c.id), [
            dict(retry_key=b.retry_key, multicast=b.multicast, status="sending", attempts=1, first_attempt_at=now,
                 claimed_at=now, not_before=now) for b in batches]).all())
        for batch in batches:
            batch.id = ids[batch.retry_key]
        session.execute(_CLAIM_BATCH, [{"ids": json.dumps(b.row_ids), "batch_id": b.id} for b in batches])
        return batches
    ids = [row_id for b in batches for row_id in b.row_ids]
    got = dict(session.execute(_OPEN_ALL, {
        "ids": ids, "nths": [n for n, b in enumerate(batches, start=1) for _r in b.row_ids],
        "keys": [b.retry_key for b in batches], "multicasts": [b.multicast for b in batches], "now": now}).all())
    kept = []
    for batch in batches:
        if len(got) < len(ids):
            pairs = [(r, u) for r, u in zip(batch.row_ids, batch.user_ids) if r in got]
            batch.row_ids, batch.user_ids = [r for r, _u in pairs], [u for _r, u in pairs]
            batch._members = set(batch.user_ids)
        if batch.row_ids:
            batch.id = got[batch.row_ids[0]]
            kept.append(batch)
    return kept


def mark(session: Session, ids: list[int], status: str, claimed: bool = False, **values) -> int:
    """A verdict on claimed rows: 'skipped' (with skip_reason), 'failed' (with last_error), or
    'pending' (held: with not_before). `claimed`: rows of a batch, which leave it."""
    if not ids:
        return 0
    if claimed:
        session.execute(delete(CLAIMS).where(one_of(session, CLAIMS.c.outbox_id, ids)))
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
    """Lease one due batch and count an attempt; its rows (all of them: a claimed row is its
    batch's, whatever its own row says), with their members. None when another sender has it."""
    found = session.execute(
        update(BATCHES).where(BATCHES.c.id == batch_id, _due(now, lease))
        .values(status="sending", claimed_at=now, attempts=BATCHES.c.attempts + 1)
        .returning(BATCHES.c.retry_key, BATCHES.c.multicast, BATCHES.c.attempts, BATCHES.c.first_attempt_at)).first()
    if found is None:
        return None
    rows = _load(session, [], [OUTBOX.c.id], batch_id=batch_id)
    batch = Batch(row_ids=[], user_ids=[], messages=[], id=batch_id, retry_key=found.retry_key,
                  multicast=bool(found.multicast), attempts=found.attempts, first_attempt_at=found.first_attempt_at)
    return batch, rows


# ---------------------------------------------------------------------------- settling a batch
def _own(session: Session, batch: Batch, claim: datetime, **values) -> bool:
    """Write the batch's row if it is still ours (same claim); False when the lease was taken over."""
    return session.execute(update(BATCHES).where(BATCHES.c.id == batch.id, BATCHES.c.status == "sending",
                                                 BATCHES.c.claimed_at == claim).values(**values)).rowcount == 1


def _claims_of(batch: Batch):
    return select(CLAIMS.c.outbox_id).where(CLAIMS.c.batch_id == batch.id)


def settle_sent(session: Session, batch: Batch, claim: datetime, now: datetime) -> int:
    """LINE took the batch: it is sent, and so are its rows (one write, the batch's). Returns how
    many rows (0: not ours any more)."""
    if dialect_of(session) == "postgresql":
        # no wait for the WAL to reach the disk: should a crash lose this commit, the lease runs out and
        # the retry under the same key is answered 409, which counts as sent (the claim's commit, made
        # before LINE is called, waits: lost, it would let a new key deliver again)
        session.execute(text("set local synchronous_commit = off"))
    if not _own(session, batch, claim, status="sent", sent_at=now, claimed_at=None, last_error=None):
        return 0
    return batch.size


def settle_failed(session: Session, batch: Batch, claim: datetime, error: str) -> int:
    if not _own(session, batch, claim, status="failed", claimed_at=None, last_error=error[:2000]):
        return 0
    return batch.size or session.scalar(select(func.count()).select_from(_claims_of(batch).subquery()))


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
    return batch.size if _own(session, batch, claim, **values) else 0


def dissolve(session: Session, batch: Batch, claim: datetime, not_before: datetime | None = None,
             error: str | None = None) -> int:
    """The rows go back to pending without a batch, to be judged afresh; the key is forgotten. Only
    for a batch LINE never took under its key (never called, or refused outright), so that a new
    key later cannot deliver anything twice."""
    if not _own(session, batch, claim, claimed_at=None):
        return 0
    values: dict = {}
    if not_before is not None:
        values["not_before"] = not_before
    if error is not None:
        values["last_error"] = error[:2000]
    if values:
        session.execute(update(OUTBOX).where(OUTBOX.c.id.in_(_claims_of(batch)), _UNSENT).values(**values))
    released = session.execute(delete(CLAIMS).where(CLAIMS.c.batch_id == batch.id)).rowcount
    session.execute(delete(BATCHES).where(BATCHES.c.id == batch.id))
    return released
