"""Broadcast queueing is one INSERT ... SELECT per range of member ids: each recipient exactly once,
a second run writes nothing, and each row says what the row-by-row version wrote."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from insights.models import Segment
from messaging import broadcasts as bc
from messaging.models import Broadcast
from rewards import notices
from rewards.models import Member, Outbox
from worker.sweeps import broadcasts as broadcast_sweep

from .helpers import add_members


@pytest.fixture
def people(rt, clock):
    """250 members: 200 tagged vip (10 of them without a LINE id), 50 not in the segment."""
    now = clock.now()
    vip = add_members(rt.db, 200, now, tags=["vip"])
    others = add_members(rt.db, 50, now, start=1000, tags=["other"])
    with rt.db.session() as s:
        s.execute(update(Member).where(Member.id.in_(vip[:10])).values(line_user_id=None))
        s.add(Segment(name="VIP", definition={"tags": ["vip"]}, created_by="t", created_at=now, updated_at=now))
        s.flush()
        return vip, others, s.scalar(select(Segment.id))


def _claimed(rt, now, segment_id, message):
    with rt.db.session() as s:
        b = bc.save_draft(s, "set-based", segment_id, message, "t", now)
        bc.schedule(s, b, now, now)
        bid = b.id
    with rt.db.session() as s:
        assert bc.claim_due(s, now) == [bid]
    return bid


@pytest.mark.parametrize("text", ["{name}，週末 9 折", "週末 9 折"])
def test_each_recipient_gets_one_row_with_the_params_the_row_by_row_version_wrote(rt, people, clock, monkeypatch,
                                                                                  text):
    vip, _others, segment_id = people
    now = clock.now()
    bid = _claimed(rt, now, segment_id, bc.Message(text_zh=text, text_en="Hi"))
    monkeypatch.setattr(broadcast_sweep, "QUEUE_SPAN", 37)  # several ranges, edges inside the audience
    assert broadcast_sweep.run(rt, now) == f"queued #{bid}: 190 messages"
    with rt.db.session() as s:
        b = s.get(Broadcast, bid)
        assert b.status == "queued" and b.recipients == 190
        base = bc.params_for(b, s)
        names = dict(s.execute(select(Member.id, Member.display_name)).all())
        rows = list(s.scalars(select(Outbox).where(Outbox.kind == "broadcast").order_by(Outbox.member_id)))
    assert [r.member_id for r in rows] == vip[10:]
    for r in rows:
        assert r.dedup_key == f"broadcast:{bid}:{r.member_id}"
        assert (r.campaign_id, r.category, r.status, r.batch_id) == (bid, "marketing", "pending", None)
        assert r.not_before == now and r.created_at == now
        assert r.params == dict(base, name=names[r.member_id] if "{name}" in text else None)


def test_a_second_run_and_a_crash_mid_way_write_nobody_twice(rt, people, clock, monkeypatch):
    vip, _others, segment_id = people
    now = clock.now()
    bid = _claimed(rt, now, segment_id, bc.Message(text_zh="哈囉"))
    with rt.db.session() as s:  # a worker wrote the first range, then died
        assert bc.queue_range(s, bid, 0, vip[60], now) == 51
    monkeypatch.setattr(broadcast_sweep, "QUEUE_SPAN", 50)
    assert broadcast_sweep.run(rt, now + timedelta(minutes=1)) == f"queued #{bid}: 139 messages"
    with rt.db.session() as s:
        s.get(Broadcast, bid).status = "queuing"  # as if it had to be finished once more
    assert broadcast_sweep.run(rt, now + timedelta(minutes=2)) == f"queued #{bid}: 0 messages"
    with rt.db.session() as s:
        counts = dict(s.execute(select(Outbox.member_id, func.count()).where(Outbox.campaign_id == bid)
                                .group_by(Outbox.member_id)).all())
    assert sorted(counts) == vip[10:] and set(counts.values()) == {1}


def test_queue_select_and_queue_notice_build_the_same_row(rt, people, clock):
    vip, _others, _segment = people
    now = clock.now()
    later = now + timedelta(hours=3)
    with rt.db.session() as s:
        member = s.get(Member, vip[20])
        one = notices.queue_notice(s, member, "text", "service", {"a": 1}, "one", now, not_before=later)
        assert notices.queue_notice(s, member, "text", "service", {"a": 2}, "one", now) is None
        from sqlalchemy import literal
        from core.bulk import json_with
        written = notices.queue_select(
            s, select(literal("two"), Member.id, json_with(s, {"a": 1})).where(Member.id == vip[20]),
            "text", "service", now, not_before=later)
        assert written == 1
        s.flush()
        two = s.scalar(select(Outbox).where(Outbox.dedup_key == "two"))
        same = ("member_id", "kind", "category", "params", "status", "not_before", "created_at", "batch_id",
                "campaign_id", "to_user_id")
        assert {k: getattr(one, k) for k in same} == {k: getattr(two, k) for k in same}


def test_the_birthday_sweep_gives_each_member_one_coupon_and_one_push_and_a_rerun_nothing(rt, clock):
    from messaging import birthday
    from rewards.models import Coupon
    from bot.texts import coupon_titles
    from core.sweep_batches import Walked, walk

    now = clock.now()
    due = add_members(rt.db, 120, now, birthday_month=now.month, birthday_day=3)
    due += add_members(rt.db, 30, now, start=500, birthday_month=now.month, birthday_day=9, tier="gold")
    add_members(rt.db, 40, now, start=900, birthday_month=now.month % 12 + 1, birthday_day=3)
    with rt.db.session() as s:  # one member already got this year's gift in the chat, a minute before
        early = birthday.give_now(s, s.get(Member, due[5]), now - timedelta(minutes=1), rt.settings, coupon_titles,
                                  push=False)
    def sweep(session, after, limit):
        return birthday.sweep_batch(session, now, rt.settings, coupon_titles, after_id=after, limit=limit)

    assert walk(rt.db, sweep, "birthday-coupons", limit=25) == Walked(150, 149, 0)  # one had a coupon already
    assert walk(rt.db, sweep, "birthday-coupons", limit=25) == Walked(150, 0, 0)
    with rt.db.session() as s:
        coupons = {c.member_id: c for c in s.scalars(select(Coupon))}
        pushes = {o.member_id: o for o in s.scalars(select(Outbox).where(Outbox.kind == "birthday"))}
        tiers = dict(s.execute(select(Member.id, Member.tier)).all())
    assert sorted(coupons) == sorted(due) and sorted(pushes) == sorted(set(due) - {due[5]})
    assert coupons[due[5]].code == early["code"]
    for member_id, push in pushes.items():
        gift = birthday.gift_for(tiers[member_id], now, rt.settings)
        c = coupons[member_id]
        assert (c.value, c.valid_until, c.uniqueness_key) == (gift.value, gift.valid_until,
                                                              f"birthday:{member_id}:{now.year}")
        assert push.params == gift.params(c.code) and push.dedup_key == c.uniqueness_key
        assert (push.category, push.status, push.not_before) == ("marketing", "pending", now)
    assert len({c.code for c in coupons.values()}) == len(coupons)
