"""A recipient's sent state is its batch's: the drain writes no outbox row on the way to 'sent' (a
claim is a narrow outbox_claims row, LINE taking a batch one UPDATE of the batch's row), readers see
'sent' before the rows are settled, and the set-based settle writes the same onto the rows. Both
databases."""
from __future__ import annotations

import re
from collections import Counter
from types import SimpleNamespace

from sqlalchemy import event, func, select

from bot.outbox.sender import OutboxSender
from messaging import broadcasts, policy
from ops import status
from rewards.models import Outbox, OutboxBatch, OutboxClaim

from .helpers import add_members, queue_rows, rows

# a statement's writes, wherever they stand (PostgreSQL's claim writes two tables from one WITH)
WRITE = re.compile(r"(?:^|\s|\()(insert\s+into|update|delete\s+from)\s+(\w+)", re.IGNORECASE)


def writes_during(db, work) -> Counter:
    """(verb, table) -> how many statements `work()` wrote it (an executemany counts once); and
    ("statements", "") -> how many statements wrote anything."""
    seen: Counter = Counter()

    def listen(conn, cursor, statement, parameters, context, executemany):
        found = WRITE.findall(statement)
        for verb, table in found:
            seen[(verb.split()[0].lower(), table.lower())] += 1
        seen[("statements", "")] += bool(found)

    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        work()
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    return seen


def test_a_drain_writes_one_row_per_batch_and_no_outbox_row(rt, unlimited_quota, clock):
    mids = add_members(rt.db, 1200, clock.now())
    queue_rows(rt.db, mids, clock.now(), category="marketing", campaign_id=7, key="campaign:7")
    sender = OutboxSender.from_runtime(rt)
    summary = None

    def drain():
        nonlocal summary
        summary = sender.drain()

    writes = writes_during(rt.db, drain)
    assert (summary.sent, summary.calls) == (1200, 3)
    # two claims (the first one call's worth, 500 rows, then up to 2,000): each writes its batches
    # and their claims, on PostgreSQL in one statement, on SQLite in two (the claims an executemany,
    # one per batch); then per batch the one UPDATE of its row when LINE took it. Nothing written
    # to the outbox rows.
    claim = 1 if rt.db.is_postgres else 2
    assert writes == Counter({("insert", "outbox_batches"): 2, ("insert", "outbox_claims"): 2,
                              ("update", "outbox_batches"): 3, ("statements", ""): 2 * claim + 3})


def test_readers_see_sent_before_the_rows_are_settled_and_the_settle_writes_the_same(rt, unlimited_quota, clock):
    mids = add_members(rt.db, 600, clock.now())
    queue_rows(rt.db, mids, clock.now(), category="marketing", campaign_id=8, key="campaign:8")
    sender = OutboxSender.from_runtime(rt)
    assert sender.drain().sent == 600

    with rt.db.session() as s:
        assert set(s.scalars(select(Outbox.status))) == {"pending"}  # not settled yet
        assert s.scalar(select(func.count()).select_from(OutboxClaim)) == 600
        assert status.outbox_by_status(s) == {"sent": 600}
        assert status.oldest_pending_seconds(s, clock.now()) == 0
        assert policy.recent_marketing_counts(s, mids, clock.now()) == {m: 1 for m in mids}
    before = [(r.id, r.status, r.sent_at, r.batch_id) for r in rows(rt.db)]
    assert {b for _i, _s, _t, b in before} != {None} and {st for _i, st, _t, _b in before} == {"sent"}
    assert {t for _i, _s, t, _b in before} == {clock.now()}

    # the next claim skips them though their rows still say pending: nothing goes twice
    assert sender.drain().sent == 0

    assert sender.settle() == 600
    with rt.db.session() as s:
        assert s.scalar(select(func.count()).select_from(OutboxClaim)) == 0
        settled = [(r.id, r.status, r.sent_at, r.batch_id) for r in s.scalars(select(Outbox).order_by(Outbox.id))]
        assert status.outbox_by_status(s) == {"sent": 600}
    assert settled == before
    assert sender.settle() == 0


def test_a_claimed_message_is_not_cancelled(rt, clock):
    """Cancelling a broadcast stops what waits, never a message in a call to LINE (LINE may have
    taken it): it stays its batch's, before and after the settle."""
    mids = add_members(rt.db, 3, clock.now())
    queue_rows(rt.db, mids, clock.now(), kind=broadcasts.KIND, category="marketing", campaign_id=9, key="campaign:9",
               params={"text": "hi"})
    with rt.db.session() as s:
        batch = OutboxBatch(retry_key="k", multicast=False, status="sent", attempts=1, first_attempt_at=clock.now(),
                            not_before=clock.now(), sent_at=clock.now())
        s.add(batch)
        s.flush()
        s.add(OutboxClaim(outbox_id=s.scalar(select(func.min(Outbox.id))), batch_id=batch.id))
    with rt.db.session() as s:
        assert broadcasts.cancel(s, SimpleNamespace(id=9, status="queued"), "staff", clock.now()) == 2
        assert (broadcasts.results(s, 9).sent, broadcasts.results(s, 9).cancelled) == (1, 2)
    assert [r.status for r in rows(rt.db)] == ["sent", "cancelled", "cancelled"]
    assert OutboxSender.from_runtime(rt).settle() == 1
    with rt.db.session() as s:
        assert list(s.scalars(select(Outbox.status).order_by(Outbox.id))) == ["sent", "cancelled", "cancelled"]


def test_a_broadcasts_drain_reads_each_due_row_once(rt, unlimited_quota, clock):
    """The claims go on from where the last one ended, and no claim reads from the first due row
    again when none was held back behind an earlier message of its member: the claimed rows (all
    still 'pending' until the settle) are not read twice."""
    mids = add_members(rt.db, 1200, clock.now())
    queue_rows(rt.db, mids, clock.now(), category="marketing", campaign_id=10, key="campaign:10")
    reads: list[str] = []

    def listen(conn, cursor, statement, parameters, context, executemany):
        if re.search(r"from outbox left outer join members", statement, re.IGNORECASE):
            reads.append(statement)

    event.listen(rt.db.engine, "before_cursor_execute", listen)
    try:
        assert OutboxSender.from_runtime(rt).drain().sent == 1200
    finally:
        event.remove(rt.db.engine, "before_cursor_execute", listen)
    # from the first due row (500: one call's worth); on from there (the rows at the same not_before
    # after it, then those after that not_before); the same twice more, finding nothing (once the
    # calls flew, once they landed)
    assert len(reads) == 1 + 2 + 2 + 2
    assert [("outbox.id >" in r.replace('"', "")) for r in reads] == [False] + [True, False] * 3
