"""A broadcast to 10,000 members whose sender dies mid-way is finished by the next one: once each."""
from __future__ import annotations

from collections import Counter
from datetime import timedelta

from bot.outbox.sender import OutboxSender, SendingRules

from .helpers import add_members, drain_until_killed, queue_rows, rows, user_id

MEMBERS = 10_000


def test_an_interrupted_broadcast_resumes_and_reaches_everyone_once(rt, unlimited_quota, clock, monkeypatch):
    line = unlimited_quota
    mids = add_members(rt.db, MEMBERS, clock.now())
    queue_rows(rt.db, mids, clock.now(), category="marketing", campaign_id=42, key="campaign:42",
               params={"text_zh": "週年慶開跑！", "text_en": "Our anniversary sale starts now!"})

    calls = drain_until_killed(rt, monkeypatch, after_calls=5)  # LINE accepted the 5th, never recorded

    # the dead sender's batches are 'sending' under its lease (the one that died, and any other whose
    # answer it had not recorded yet); what it recorded is sent; the rest were never claimed or given back
    after_crash = Counter(r.status for r in rows(rt.db))
    unsettled = after_crash["sending"]
    assert after_crash["sent"] + unsettled + after_crash["pending"] == MEMBERS
    assert unsettled >= 500 and unsettled % 500 == 0 and after_crash["sent"] % 500 == 0

    # a second sender leaves the dead one's batches alone while its lease runs, and sends the rest
    meanwhile = OutboxSender.from_runtime(rt).drain()
    assert meanwhile.sent == after_crash["pending"]
    assert Counter(r.status for r in rows(rt.db)) == {"sent": MEMBERS - unsettled, "sending": unsettled}

    before = len(line.calls_to("/v2/bot/message/multicast"))
    clock.advance(SendingRules().lease + timedelta(seconds=1))
    resumed = OutboxSender.from_runtime(rt).drain()
    assert (resumed.sent, resumed.calls) == (unsettled, unsettled // 500)
    assert Counter(r.status for r in rows(rt.db)) == {"sent": MEMBERS}
    # the batch LINE accepted before the crash went again under its key and was answered 409
    retried = line.calls_to("/v2/bot/message/multicast")[before:]
    assert {c.headers["x-line-retry-key"]: c.status for c in retried}[calls[4]] == 409
    assert all(len(c.body["to"]) <= 500 for c in line.calls_to("/v2/bot/message/multicast"))
    assert Counter(len(line.delivered(user_id(n))) for n in range(1, MEMBERS + 1)) == {1: MEMBERS}
