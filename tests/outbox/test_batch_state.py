"""The sender's state per batch (outbox_batches): one retry key per LINE call, kept through a crash,
a lease taken over and partial failures; each recipient once. Both databases."""
from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from bot.line_client import LineClient
from bot.outbox.flight import BatchesInFlight
from bot.outbox.sender import OutboxSender, SendingRules
from rewards.models import Outbox
from bot.outbox.models import OutboxBatch

from .helpers import add_members, batch_of, drain_together, drain_until_killed, queue_rows, rows, user_id

MULTICAST = "/v2/bot/message/multicast"


def batches(db) -> list[OutboxBatch]:
    with db.session() as s:
        return list(s.scalars(select(OutboxBatch).order_by(OutboxBatch.id)))


def members_of(db) -> dict[int, list[Outbox]]:
    by_batch: dict[int, list[Outbox]] = {}
    for r in rows(db):
        by_batch.setdefault(r.batch_id, []).append(r)
    return by_batch


def key_of(call) -> str:
    return call.headers["x-line-retry-key"]


def delivered_once(line, count: int) -> bool:
    return Counter(len(line.delivered(user_id(n))) for n in range(1, count + 1)) == {1: count}


def test_two_senders_at_once_send_each_row_in_one_batch_once(two_runtimes, unlimited_quota, clock):
    line, rts = unlimited_quota, two_runtimes
    mids = add_members(rts[0].db, 1300, clock.now())
    queue_rows(rts[0].db, mids, clock.now(), category="marketing", campaign_id=3, key="campaign:3")
    summaries = drain_together(rts, SendingRules(claim_size=120))
    assert sum(s.sent for s in summaries) == 1300
    by_batch = members_of(rts[0].db)
    assert None not in by_batch and all(r.status == "sent" for rs in by_batch.values() for r in rs)
    calls = line.calls_to(MULTICAST)
    # one call per batch, under the batch's own key, to exactly the batch's rows
    assert sorted(key_of(c) for c in calls) == sorted(b.retry_key for b in batches(rts[0].db))
    for b in batches(rts[0].db):
        (call,) = [c for c in calls if key_of(c) == b.retry_key]
        assert sorted(call.body["to"]) == sorted(user_id(mids.index(r.member_id) + 1) for r in by_batch[b.id])
        assert (b.status, b.attempts, b.multicast) == ("sent", 1, True)
    assert delivered_once(line, 1300)


def test_a_crash_during_the_call_is_retried_with_the_same_key_once_the_lease_is_over(rt, unlimited_quota, clock,
                                                                                      monkeypatch):
    line = unlimited_quota
    mids = add_members(rt.db, 700, clock.now())
    queue_rows(rt.db, mids, clock.now(), category="marketing", campaign_id=5, key="campaign:5")
    drain_until_killed(rt, monkeypatch, after_calls=1)  # LINE delivered it, then the process died

    (died,) = line.calls_to(MULTICAST)  # the first batch of a drain goes alone
    (batch,) = [b for b in batches(rt.db) if b.retry_key == key_of(died)]
    assert (batch.status, batch.attempts, batch.claimed_at) == ("sending", 1, clock.now())
    assert {r.status for r in members_of(rt.db)[batch.id]} == {"sending"}

    # the claim's other batch was recorded with it, never called: both wait for the dead sender's lease
    assert Counter(b.status for b in batches(rt.db)) == {"sending": 2}
    assert OutboxSender.from_runtime(rt).drain().calls == 0
    clock.advance(SendingRules().lease + timedelta(seconds=1))
    resumed = OutboxSender.from_runtime(rt).drain()
    assert (resumed.sent, resumed.calls) == (700, 2)
    again = {key_of(c): c.status for c in line.calls_to(MULTICAST)[1:]}
    assert again == {b.retry_key: 409 if b.id == batch.id else 200 for b in batches(rt.db)}  # nobody twice
    after = batch_of(rt.db, members_of(rt.db)[batch.id][0])
    assert (after.status, after.attempts) == ("sent", 2)
    assert Counter(r.status for r in rows(rt.db)) == {"sent": 700}
    assert delivered_once(line, 700)


def test_a_sender_whose_lease_was_taken_over_writes_nothing(rt, unlimited_quota, clock, monkeypatch):
    line = unlimited_quota
    mids = add_members(rt.db, 3, clock.now())
    queue_rows(rt.db, mids, clock.now())
    real_multicast, real_finish = LineClient.multicast, BatchesInFlight.finish
    hanging, go_on, only_waiting = threading.Event(), threading.Event(), threading.Event()

    def first_call_hangs(self, to, messages, retry_key):
        if not hanging.is_set():
            hanging.set()
            go_on.wait(10)
        real_multicast(self, to, messages, retry_key)

    def finish(self):
        only_waiting.set()  # the sender has nothing left to do but wait for its calls
        return real_finish(self)

    monkeypatch.setattr(LineClient, "multicast", first_call_hangs)
    monkeypatch.setattr(BatchesInFlight, "finish", finish)
    first = []
    thread = threading.Thread(target=lambda: first.append(OutboxSender.from_runtime(rt).drain()))
    thread.start()
    assert hanging.wait(10) and only_waiting.wait(10)
    clock.advance(SendingRules().lease + timedelta(seconds=1))  # the first call hangs past its lease
    second = OutboxSender.from_runtime(rt).drain()  # another sender takes the batch over
    go_on.set()
    thread.join(10)
    assert (second.sent, second.calls) == (3, 1)
    assert (first[0].sent, first[0].calls) == (0, 1)  # LINE answered 409 (the key was used); not its batch now
    taken, late = line.calls_to(MULTICAST)
    assert key_of(taken) == key_of(late) and (taken.status, late.status) == (200, 409)
    (batch,) = batches(rt.db)
    assert (batch.status, batch.attempts, batch.claimed_at) == ("sent", 2, None)
    assert [r.status for r in rows(rt.db)] == ["sent"] * 3
    assert delivered_once(line, 3)


def test_partial_failures_settle_each_batch_on_its_own(rt, unlimited_quota, clock):
    line = unlimited_quota
    mids = add_members(rt.db, 1250, clock.now())
    queue_rows(rt.db, mids, clock.now(), category="marketing", campaign_id=9, key="campaign:9")
    line.inject(MULTICAST, 500)  # the first call: LINE fails; the others go through
    summary = OutboxSender.from_runtime(rt).drain()
    first = line.calls_to(MULTICAST)[0]
    (failed,) = [b for b in batches(rt.db) if b.retry_key == key_of(first)]
    assert (summary.sent, summary.retrying, summary.calls) == (1250 - len(first.body["to"]), len(first.body["to"]), 3)
    assert (failed.status, failed.attempts, failed.not_before) == ("pending", 1, clock.now() + timedelta(seconds=10))
    waiting = members_of(rt.db)[failed.id]
    assert {(r.status, r.not_before) for r in waiting} == {("pending", clock.now() + timedelta(seconds=10))}
    assert all("500" in r.last_error for r in waiting)
    assert Counter(b.status for b in batches(rt.db)) == {"sent": 2, "pending": 1}

    line.inject(MULTICAST, 400, body={"message": "The request body has 1 error(s)"})
    clock.advance(timedelta(seconds=10))
    retried = OutboxSender.from_runtime(rt).drain()
    assert (retried.failed, retried.calls) == (len(waiting), 1)
    assert key_of(line.calls_to(MULTICAST)[-1]) == failed.retry_key
    assert {(r.status, r.last_error) for r in members_of(rt.db)[failed.id]} == {
        ("failed", "LINE 400: The request body has 1 error(s)")}
    assert batch_of(rt.db, waiting[0]).status == "failed"
    assert Counter(r.status for r in rows(rt.db)) == {"sent": 1250 - len(waiting), "failed": len(waiting)}
    assert OutboxSender.from_runtime(rt).drain().calls == 0
