"""Birthday coupons: once a year on the 1st of the birth month at 09:00, the push under the marketing rules."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.texts import coupon_titles
from messaging import birthday
from rewards.models import Coupon

from ..e2e.chat import postback_datas, words
from ..scene import at


def test_the_coupon_comes_once_a_year_on_the_first_of_the_birth_month(scene):
    mid = scene.member(birthday_month=3, birthday_day=15, tier="silver")
    uid = scene.uid(mid)
    scene.run_due(at(2027, 2, 28, 9))
    scene.run_due(at(2027, 3, 1, 8, 59))
    assert scene.coupons(mid) == [] and scene.pushes(uid) == []

    summary = scene.run_due(at(2027, 3, 1, 9))
    assert summary["birthday-coupons"] == "issued 1 birthday coupons"
    (coupon,) = scene.coupons(mid)
    assert (coupon.value, coupon.uniqueness_key) == (200, f"birthday:{mid}:2027")  # silver: NT$200
    assert (coupon.title_zh, coupon.title_en) == ("生日禮 NT$200 折價券", "Birthday gift: NT$200 off")
    assert coupon.valid_until == at(2027, 4, 1)  # through 31 March
    (push,) = scene.pushes(uid)
    assert push["type"] == "flex" and "生日" in words([push]) and coupon.code in str(push)
    (row,) = scene.outbox(kind="birthday")
    assert (row.category, row.dedup_key, row.status) == ("marketing", f"birthday:{mid}:2027", "sent")

    for later in (at(2027, 3, 1, 9), at(2027, 3, 2, 9), at(2027, 3, 31, 20)):
        assert scene.run_due(later)["birthday-coupons"] == "issued 0 birthday coupons"
    assert len(scene.coupons(mid)) == 1 and len(scene.pushes(uid)) == 1

    scene.run_due(at(2028, 3, 1, 9))  # next year: a new one
    assert [c.uniqueness_key for c in scene.coupons(mid)] == [f"birthday:{mid}:2027", f"birthday:{mid}:2028"]
    assert len(scene.pushes(uid)) == 2


def test_the_value_follows_the_tier_and_the_language_the_member(scene):
    gold = scene.member(birthday_month=5, birthday_day=1, tier="gold", language="en")
    member = scene.member(birthday_month=5, birthday_day=31)
    scene.run_due(at(2027, 5, 3, 14))  # a late first run in the month still gives it
    assert [c.value for c in scene.coupons(gold)] == [500]
    assert [c.value for c in scene.coupons(member)] == [100]
    (push,) = scene.pushes(scene.uid(gold))
    assert "Happy birthday" in words([push]) and "NT$500" in words([push])


def test_quiet_hours_hold_the_push_until_the_morning_but_the_coupon_is_issued(scene):
    mid = scene.member(birthday_month=3, birthday_day=15)
    uid = scene.uid(mid)
    scene.run_due(at(2028, 3, 1, 22, 30))
    assert len(scene.coupons(mid)) == 1 and scene.pushes(uid) == []
    (row,) = scene.outbox(kind="birthday")
    assert (row.status, row.not_before) == ("pending", at(2028, 3, 2, 9))
    scene.run_due(at(2028, 3, 2, 8, 59))
    assert scene.pushes(uid) == []
    scene.run_due(at(2028, 3, 2, 9, 30))
    assert len(scene.pushes(uid)) == 1 and len(scene.coupons(mid)) == 1


@pytest.mark.parametrize("fields, reason", [({"marketing_opt_in": False}, "unsubscribed"),
                                            ({"is_blocked": True}, "blocked")])
def test_unsubscribed_and_blocked_members_get_the_coupon_without_the_push(scene, fields, reason):
    mid = scene.member(birthday_month=7, birthday_day=7, **fields)
    scene.run_due(at(2027, 7, 1, 10))
    assert len(scene.coupons(mid)) == 1
    assert scene.pushes(scene.uid(mid)) == []
    (row,) = scene.outbox(kind="birthday")
    assert (row.status, row.skip_reason) == ("skipped", reason)


def test_the_weekly_cap_skips_the_push(scene):
    mid = scene.member(birthday_month=7, birthday_day=7)
    with scene.rt.db.session() as s:
        from rewards import notices
        from rewards.models import Member

        member = s.get(Member, mid)
        for n in range(2):
            notices.queue_notice(s, member, "text", "marketing", {"text_zh": "本週優惠", "text_en": "Offer"},
                                 f"offer:{n}", at(2027, 6, 29, 12))
    scene.run_due(at(2027, 6, 29, 12))
    assert len(scene.pushes(scene.uid(mid))) == 2
    scene.run_due(at(2027, 7, 1, 9))
    (row,) = scene.outbox(kind="birthday")
    assert (row.status, row.skip_reason) == ("skipped", "weekly_cap")
    assert len(scene.coupons(mid)) == 1


def test_29_february_is_a_february_birthday_in_a_non_leap_year(scene):
    mid = scene.member(birthday_month=2, birthday_day=29)
    scene.run_due(at(2027, 1, 31, 23))
    assert scene.coupons(mid) == []
    scene.run_due(at(2027, 2, 1, 9))
    (coupon,) = scene.coupons(mid)
    assert coupon.valid_until == at(2027, 3, 1)  # through 28 February 2027
    scene.run_due(at(2027, 2, 28, 9))
    assert len(scene.coupons(mid)) == 1 and len(scene.pushes(scene.uid(mid))) == 1


def test_friends_and_erased_members_get_nothing(scene):
    friend = scene.member(birthday_month=4, birthday_day=4, status="friend")
    erased = scene.member(birthday_month=4, birthday_day=4, status="erased", line_user_id=None)
    scene.run_due(at(2027, 4, 1, 9))
    assert scene.coupons(friend) == [] and scene.coupons(erased) == []


def join_and_pick_birthday(chat, uid: str, words: str, day: str) -> list[dict]:
    """Join, ask about the birthday in `words`, pick `day` in the date picker; the reply to the pick."""
    chat.join(uid)
    datas = postback_datas(chat.say(uid, words))
    return chat.tap(uid, next(d for d in datas if "birthday_set" in d), {"date": day})


def test_setting_the_birthday_during_the_birth_month_gives_the_gift_there_and_then(chat, scene, clock):
    clock.set(at(2027, 3, 10, 15))
    uid = "U" + "b" * 32
    reply = join_and_pick_birthday(chat, uid, "生日", "1990-03-15")
    (coupon,) = scene.coupons(scene.by_line_user(uid).id)
    assert "3 月 15 日" in words(reply) and "生日快樂" in words(reply) and coupon.code in str(reply)
    assert coupon.valid_until == at(2027, 4, 1)
    scene.run_due(at(2027, 3, 10, 16))
    scene.run_due(at(2027, 3, 11, 9))
    assert len(scene.coupons(scene.by_line_user(uid).id)) == 1
    assert scene.pushes(uid) == []  # the card came in the reply


def test_a_birthday_outside_the_month_waits_for_the_sweep(chat, scene, clock):
    clock.set(at(2027, 3, 10, 15))
    uid = "U" + "c" * 32
    reply = join_and_pick_birthday(chat, uid, "birthday", "1990-04-02")
    assert "生日快樂" not in words(reply)
    mid = scene.by_line_user(uid).id
    assert scene.coupons(mid) == []
    scene.run_due(at(2027, 4, 1, 9))
    assert len(scene.coupons(mid)) == 1 and len(scene.pushes(uid)) == 1


def test_joining_in_the_birth_month_with_a_birthday_on_record_gives_the_gift(chat, scene, clock):
    clock.set(at(2027, 6, 20, 11))
    uid = "U" + "d" * 32
    chat.follow(uid)
    mid = scene.by_line_user(uid).id
    scene.update_member(mid, birthday_month=6, birthday_day=2)  # e.g. given to staff before joining
    reply = chat.tap(uid, "action=join")
    assert "生日快樂" in words(reply)
    assert len(scene.coupons(mid)) == 1
    assert chat.tap(uid, "action=join") and len(scene.coupons(mid)) == 1


def test_the_sweep_works_in_batches_and_a_second_run_issues_nothing(scene, rt, unlimited_quota):
    ids = scene.members(2_345, birthday_month=9, birthday_day=9)
    scene.members(100, birthday_month=10, birthday_day=1)
    now = at(2027, 9, 1, 9)
    with rt.db.session() as s:
        first = birthday.sweep_batch(s, now, rt.settings, coupon_titles, limit=1000)
    assert (first.looked_at, first.done, first.more) == (1000, 1000, True)
    summary = scene.run_due(now)
    assert summary["birthday-coupons"] == "issued 1345 birthday coupons"
    assert scene.run_due(now + timedelta(hours=1))["birthday-coupons"] == "issued 0 birthday coupons"
    with rt.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Coupon)) == len(ids)
        assert s.scalar(select(func.count(func.distinct(Coupon.code)))) == len(ids)
    assert len(scene.outbox(kind="birthday", status="sent")) == len(ids)


def test_the_cli_runs_the_sweep(app, scene):
    mid = scene.member(birthday_month=3, birthday_day=15)
    result = app.test_cli_runner().invoke(args=["jobs", "run-due", "--at", "2027-03-01T09:00:00+08:00"])
    assert result.exit_code == 0, result.output
    assert "birthday-coupons: issued 1 birthday coupons" in result.output
    assert len(scene.pushes(scene.uid(mid))) == 1


def test_the_engagement_sweeps_are_scheduled_and_run_before_the_drain():
    from worker import runner, schedule

    names = [s.name for s in runner.catch_up_order()]
    assert names[-1] == schedule.OUTBOX
    assert {"birthday-coupons", "survey-invitations", "content-drip", "repurchase-reminders", "tier-keep-warnings",
            "tier-review", "points-expiry"} <= set(names)
