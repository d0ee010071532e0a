"""Surveys after a purchase: the invitation's timing, rating, comment, skip, expiry, late answers, follow-ups."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from messaging import surveys
from insights.models import SurveyInvitation, SurveyResponse

from ..e2e.chat import postback_datas, words
from ..scene import at

NOON = at(2026, 11, 20, 12)


def invitations(scene) -> list[SurveyInvitation]:
    with scene.rt.db.session() as s:
        return list(s.scalars(select(SurveyInvitation).order_by(SurveyInvitation.id)))


def responses(scene) -> list[SurveyResponse]:
    with scene.rt.db.session() as s:
        return list(s.scalars(select(SurveyResponse).order_by(SurveyResponse.id)))


def invitation_pushes(scene, uid) -> list[dict]:
    return [p for p in scene.pushes(uid) if "1 到 5 分" in p.get("text", "") or "1 to 5" in p.get("text", "")]


def test_a_store_order_is_followed_by_one_invitation_two_hours_later(scene):
    mid = scene.member()
    uid = scene.uid(mid)
    order_id = scene.order(mid, "POS-1", NOON, store="信義店")
    assert scene.run_due(NOON + timedelta(minutes=10))["survey-invitations"] == "invited 1"
    (invitation,) = invitations(scene)
    assert (invitation.order_id, invitation.member_id, invitation.store_id, invitation.channel, invitation.status) == (
        order_id, mid, "信義店", "store", "open")
    assert invitation.invite_at == NOON + timedelta(hours=2)
    assert invitation_pushes(scene, uid) == []
    scene.run_due(NOON + timedelta(hours=1, minutes=59))
    assert invitation_pushes(scene, uid) == []
    scene.run_due(NOON + timedelta(hours=2))
    (push,) = invitation_pushes(scene, uid)
    assert "信義店" in push["text"]
    assert [i["action"]["data"] for i in push["quickReply"]["items"]] == [
        f"action=survey_rate&inv={invitation.id}&r={n}" for n in range(1, 6)]
    (row,) = scene.outbox(kind="survey_invitation")
    assert (row.category, row.dedup_key) == ("service", f"survey:{order_id}")
    assert scene.run_due(NOON + timedelta(hours=3))["survey-invitations"] == "invited 0"
    assert len(invitations(scene)) == 1 and len(invitation_pushes(scene, uid)) == 1


def test_an_online_order_is_asked_about_three_days_later(scene):
    mid = scene.member(language="en")
    scene.order(mid, "WEB-1", NOON, channel="online", store=None)
    scene.run_due(NOON + timedelta(hours=1))
    (invitation,) = invitations(scene)
    assert invitation.invite_at == NOON + timedelta(days=3)
    scene.run_due(NOON + timedelta(days=3))
    (push,) = invitation_pushes(scene, scene.uid(mid))
    assert push["text"].startswith("Thank you for shopping online")


def test_an_invitation_that_would_come_at_night_waits_for_the_morning(scene):
    mid = scene.member()
    scene.order(mid, "POS-2", at(2026, 11, 20, 20, 30))
    scene.run_due(at(2026, 11, 20, 20, 40))
    (invitation,) = invitations(scene)
    assert invitation.invite_at == at(2026, 11, 21, 9)
    scene.run_due(at(2026, 11, 20, 22, 35))
    assert invitation_pushes(scene, scene.uid(mid)) == []


def test_refunded_and_long_past_orders_get_no_invitation(scene):
    from rewards import orders
    from rewards.models import Order

    mid = scene.member()
    order_id = scene.order(mid, "POS-3", NOON)
    with scene.rt.db.session() as s:
        orders.refund(s, s.get(Order, order_id), "R1", 500, NOON + timedelta(minutes=5), scene.rt.settings)
    scene.order(mid, "OLD-1", NOON - timedelta(days=30), now=NOON)  # imported history
    scene.run_due(NOON + timedelta(hours=2))
    assert invitations(scene) == []


def invited(chat, scene, uid, order="POS-9", language="zh-TW"):
    """A member `uid` who joined, bought at noon and got the invitation at 14:00; returns its quick replies."""
    scene.line.add_user(uid, "Amy", language)
    chat.join(uid)
    scene.order(scene.by_line_user(uid).id, order, NOON)
    scene.run_due(NOON + timedelta(hours=2))
    (push,) = invitation_pushes(scene, uid)
    return postback_datas([push])


def test_rating_then_a_comment_then_thanks(chat, scene, clock):
    uid = "U" + "5" * 32
    datas = invited(chat, scene, uid)
    clock.set(NOON + timedelta(hours=3))
    ask = chat.tap(uid, datas[3])  # 4
    assert "還有什麼想告訴我們" in words(ask)
    assert any("action=survey_skip" in d for d in postback_datas(ask))
    assert "謝謝您的寶貴意見" in words(chat.say(uid, "店員很親切，拿鐵很好喝"))
    (response,) = responses(scene)
    member = scene.by_line_user(uid)
    (invitation,) = invitations(scene)
    assert (response.rating, response.comment, response.store_id, response.member_id, response.order_id) == (
        4, "店員很親切，拿鐵很好喝", "信義店", member.id, invitation.order_id)
    assert (response.answered_at, response.commented_at, response.needs_follow_up) == (clock.now(), clock.now(), False)
    assert invitation.status == "answered"
    assert "謝謝您的寶貴意見" not in words(chat.say(uid, "謝謝"))  # no longer waiting: a normal answer


def test_skip_leaves_no_comment(chat, scene):
    uid = "U" + "6" * 32
    datas = invited(chat, scene, uid, language="en")
    ask = chat.tap(uid, datas[4])  # 5
    skip = next(d for d in postback_datas(ask) if "survey_skip" in d)
    assert "Thank you for your feedback" in words(chat.tap(uid, skip))
    (response,) = responses(scene)
    assert (response.rating, response.comment) == (5, None)
    assert "Thank you for your feedback" not in words(chat.say(uid, "nice shop"))


def test_a_plain_request_while_waiting_gets_its_answer_and_the_comment_can_still_come(chat, scene):
    uid = "U" + "7" * 32
    datas = invited(chat, scene, uid)
    chat.tap(uid, datas[2])  # 3
    assert "點" in words(chat.say(uid, "點數")) and responses(scene)[0].comment is None
    assert "謝謝您的寶貴意見" in words(chat.say(uid, "活動很棒，但點數太少"))  # mentions a request word: a comment
    assert responses(scene)[0].comment == "活動很棒，但點數太少"


def test_after_the_wait_expires_text_gets_the_normal_answer(chat, scene, clock):
    uid = "U" + "8" * 32
    datas = invited(chat, scene, uid)
    clock.set(NOON + timedelta(hours=3))
    chat.tap(uid, datas[3])
    clock.set(NOON + timedelta(hours=3 + 24, minutes=1))
    reply = chat.say(uid, "服務很好")
    assert "謝謝您的寶貴意見" not in words(reply) and "不太懂" in words(reply)
    assert responses(scene)[0].comment is None


def test_an_answer_after_seven_days_is_politely_closed(chat, scene, clock):
    uid = "U" + "9" * 32
    datas = invited(chat, scene, uid)
    clock.set(NOON + timedelta(hours=2, days=7, minutes=1))
    assert "問卷已經結束" in words(chat.tap(uid, datas[4]))
    assert responses(scene) == []
    assert invitations(scene)[0].status == "closed"


def test_a_low_rating_is_flagged_with_its_comment_for_staff(chat, scene, clock):
    uid = "U" + "a" * 31 + "1"
    datas = invited(chat, scene, uid)
    ask = chat.tap(uid, datas[1])  # 2
    assert "很抱歉" in words(ask)
    assert "門市人員會盡快跟進" in words(chat.say(uid, "等了二十分鐘"))
    (response,) = responses(scene)
    assert (response.rating, response.comment, response.needs_follow_up, response.followed_up_at) == (
        2, "等了二十分鐘", True, None)
    with scene.rt.db.session() as s:
        surveys.mark_followed_up(s, response.id, "manager@shop.example", clock.now())
    assert responses(scene)[0].followed_up_by == "manager@shop.example"


def test_a_second_tap_does_not_change_the_answer(chat, scene):
    uid = "U" + "a" * 31 + "2"
    datas = invited(chat, scene, uid)
    chat.tap(uid, datas[4])
    assert "已經回覆過" in words(chat.tap(uid, datas[0]))
    assert [r.rating for r in responses(scene)] == [5]


def test_someone_elses_invitation_is_not_theirs_to_answer(chat, scene):
    uid = "U" + "a" * 31 + "3"
    datas = invited(chat, scene, uid)
    other = "U" + "a" * 31 + "4"
    chat.join(other)
    assert "問卷已經結束" in words(chat.tap(other, datas[0]))
    assert responses(scene) == []


def test_a_daily_customer_is_asked_at_most_once_a_fortnight(scene):
    mid = scene.member()
    scene.order(mid, "POS-D1", NOON, store="信義店")
    scene.run_due(NOON + timedelta(minutes=5))
    scene.order(mid, "POS-D2", NOON + timedelta(days=1), store="信義店")
    assert scene.run_due(NOON + timedelta(days=1, minutes=5))["survey-invitations"] == "invited 0"
    scene.order(mid, "POS-D3", NOON + timedelta(days=15), store="信義店")
    assert scene.run_due(NOON + timedelta(days=15, minutes=5))["survey-invitations"] == "invited 1"
    assert len(invitations(scene)) == 2
