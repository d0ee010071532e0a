"""Two senders draining one outbox at the same time (PostgreSQL: FOR UPDATE SKIP LOCKED)."""
from __future__ import annotations

import threading
from collections import Counter

import pytest

from bot.outbox_sender import OutboxSender, SendingRules

from ..conftest import ON_POSTGRES, make_app
from .helpers import add_members, queue_rows, rows, user_id

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (TEST_DATABASE_URL)")]


def test_two_senders_at_once_reach_each_member_once(database_url, simulator_server, unlimited_quota, clock):
    line = unlimited_quota
    apps = [make_app(database_url, simulator_server.url, clock) for _ in range(2)]
    rts = [a.extensions["bot"] for a in apps]
    try:
        mids = add_members(rts[0].db, 2600, clock.now())
        queue_rows(rts[0].db, mids[:2400], clock.now(), category="marketing", campaign_id=1, key="campaign:1")
        queue_rows(rts[0].db, mids[2400:], clock.now(), key="own",  # per-member texts: one push each
                   params=lambda mid: {"text_zh": f"您好 {mid}", "text_en": f"Hi {mid}"})
        # small claims, so the two senders interleave many times
        rules = SendingRules(claim_size=150)
        barrier = threading.Barrier(2)
        summaries, errors = [], []

        def run(rt):
            try:
                barrier.wait()
                summaries.append(OutboxSender.from_runtime(rt, rules).drain())
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(rt,)) for rt in rts]
        [t.start() for t in threads]
        [t.join() for t in threads]
        assert errors == []
        assert sum(s.sent for s in summaries) == 2600
        assert all(s.sent > 0 for s in summaries), "both senders should have done part of the work"
        assert Counter(r.status for r in rows(rts[0].db)) == {"sent": 2600}
        assert Counter(len(line.delivered(user_id(n))) for n in range(1, 2601)) == {1: 2600}
        assert all(c.status == 200 for c in line.calls_to("/v2/bot/message/multicast"))
    finally:
        for a in apps:
            a.extensions["inbox_worker"].shutdown()
            a.extensions["bot"].db.dispose()
