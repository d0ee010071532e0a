"""Two senders draining one outbox at the same time (PostgreSQL: FOR UPDATE SKIP LOCKED)."""
from __future__ import annotations

from collections import Counter

import pytest

from bot.outbox.sender import SendingRules

from ..conftest import ON_POSTGRES
from .helpers import add_members, drain_together, queue_rows, rows, user_id

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (TEST_DATABASE_URL)")]


def test_two_senders_at_once_reach_each_member_once(two_runtimes, unlimited_quota, clock):
    line, rts = unlimited_quota, two_runtimes
    mids = add_members(rts[0].db, 2600, clock.now())
    queue_rows(rts[0].db, mids[:2400], clock.now(), category="marketing", campaign_id=1, key="campaign:1")
    queue_rows(rts[0].db, mids[2400:], clock.now(), key="own",  # per-member texts: one push each
               params=lambda mid: {"text_zh": f"您好 {mid}", "text_en": f"Hi {mid}"})
    # small claims, so the two senders interleave many times
    summaries = drain_together(rts, SendingRules(claim_size=150))
    assert sum(s.sent for s in summaries) == 2600
    assert all(s.sent > 0 for s in summaries), "both senders should have done part of the work"
    assert Counter(r.status for r in rows(rts[0].db)) == {"sent": 2600}
    assert Counter(len(line.delivered(user_id(n))) for n in range(1, 2601)) == {1: 2600}
    assert all(c.status == 200 for c in line.calls_to("/v2/bot/message/multicast"))
