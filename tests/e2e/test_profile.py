"""Birthday, language, subscription and data deletion, through signed webhooks."""
from __future__ import annotations

from sqlalchemy import select

from rewards.models import Member

from .chat import postback_datas, words


def member_of(app, uid=None, member_id=None):
    with app.extensions["bot"].db.session() as s:
        if member_id is not None:
            return s.get(Member, member_id)
        return s.scalar(select(Member).where(Member.line_user_id == uid))


def test_join_offers_a_birthday_picker_without_future_dates(chat, clock):
    uid = "U" + "2" * 31 + "a"
    reply = chat.join(uid)
    pickers = [qr["action"] for msg in reply for qr in msg.get("quickReply", {}).get("items", [])
               if qr["action"]["type"] == "datetimepicker"]
    assert pickers and pickers[0]["mode"] == "date" and pickers[0]["max"] == clock.now().date().isoformat()


def test_birthday_is_set_once_keeping_month_and_day_only(chat, app):
    uid = "U" + "2" * 31 + "b"
    chat.join(uid)
    saved = chat.tap(uid, "action=birthday_set", {"date": "1990-03-15"})
    assert "3" in saved[0]["text"] and "15" in saved[0]["text"]
    member = member_of(app, uid)
    assert (member.birthday_month, member.birthday_day) == (3, 15)
    again = chat.tap(uid, "action=birthday_set", {"date": "1991-12-01"})
    assert "無法在聊天室修改" in again[0]["text"]
    assert (member_of(app, uid).birthday_month, member_of(app, uid).birthday_day) == (3, 15)
    shown = chat.say(uid, "生日")
    assert "3 月 15 日" in shown[0]["text"]


def test_future_or_garbage_birthdays_are_refused_and_asked_again(chat, app):
    uid = "U" + "2" * 31 + "c"
    chat.join(uid)
    for bad in ({"date": "2030-01-01"}, {"date": "yesterday"}, {}):
        reply = chat.tap(uid, "action=birthday_set", bad)
        assert "datetimepicker" in str(reply)
    assert member_of(app, uid).birthday_month is None


def test_birthday_can_be_skipped_and_set_later_in_english(chat, app, line):
    uid = "U" + "2" * 31 + "d"
    line.add_user(uid, "Amy", "en")
    chat.join(uid)
    assert "whenever" in chat.tap(uid, "action=birthday_skip")[0]["text"]
    later = chat.say(uid, "birthday")
    assert any("birthday_set" in d for d in postback_datas(later))
    chat.tap(uid, "action=birthday_set", {"date": "2000-02-29"})
    assert (member_of(app, uid).birthday_month, member_of(app, uid).birthday_day) == (2, 29)


def test_language_switch_both_ways(chat, app):
    uid = "U" + "2" * 31 + "e"
    chat.join(uid)
    assert "English" in chat.say(uid, "English")[0]["text"]
    assert member_of(app, uid).language == "en"
    assert "points" in chat.say(uid, "點數")[0]["text"]
    assert "中文" in chat.say(uid, "中文")[0]["text"]
    assert member_of(app, uid).language == "zh-TW"


def test_unsubscribe_and_subscribe_confirm(chat, app):
    uid = "U" + "2" * 31 + "f"
    chat.join(uid)
    assert member_of(app, uid).marketing_opt_in
    assert "已取消訂閱" in chat.say(uid, "取消訂閱")[0]["text"]
    assert not member_of(app, uid).marketing_opt_in
    assert "沒有訂閱" in chat.say(uid, "取消訂閱")[0]["text"]
    assert "已恢復訂閱" in chat.say(uid, "訂閱")[0]["text"]
    assert member_of(app, uid).marketing_opt_in


def test_delete_my_data_asks_then_erases(chat, app):
    uid = "U" + "3" * 31 + "a"
    chat.join(uid)
    chat.tap(uid, "action=birthday_set", {"date": "1990-03-15"})
    ask = chat.say(uid, "刪除資料")
    assert "action=delete_confirm" in postback_datas(ask)[0]
    assert "什麼都沒有刪除" in chat.tap(uid, "action=delete_cancel")[0]["text"]
    member_id = member_of(app, uid).id
    assert "已刪除" in chat.tap(uid, "action=delete_confirm")[0]["text"]
    erased = member_of(app, member_id=member_id)
    assert erased.status == "erased" and erased.line_user_id is None and erased.display_name is None
    assert erased.birthday_month is None and not erased.marketing_opt_in
    assert erased.balance == 50  # the anonymous ledger stays


def test_rejoining_after_erasure_gives_no_second_welcome_gift(chat, app):
    uid = "U" + "3" * 31 + "b"
    first = chat.join(uid)
    assert "入會禮" in words(first)
    chat.say(uid, "刪除資料")
    chat.tap(uid, "action=delete_confirm")
    again = chat.join(uid)
    assert "歡迎加入" in words(again) and "入會禮" not in words(again)
    assert member_of(app, uid).balance == 0


def test_unfollow_blocks_and_refollow_resumes(chat, app):
    uid = "U" + "3" * 31 + "c"
    chat.join(uid)
    chat.post(chat.sender.unfollow(uid))
    assert member_of(app, uid).is_blocked
    assert member_of(app, uid).balance == 50
    back = chat.follow(uid, unblocked=True)
    assert "歡迎回來" in words(back) and "50" in words(back)
    member = member_of(app, uid)
    assert not member.is_blocked and member.status == "member" and member.balance == 50


def test_erasure_also_removes_survey_comments_and_reading_history(app, clock):
    from datetime import timedelta

    from sqlalchemy import func, select

    from privacy import erasure
    from content.models import ContentView
    from insights.models import SurveyResponse
    from rewards import membership, orders

    rt = app.extensions["bot"]
    with rt.db.session() as s:
        member = membership.get_or_create(s, "U" + "3" * 31 + "d", clock.now())
        membership.join(s, member, clock.now(), display_name="阿明")
        order = orders.record_order(s, member, "store", "E-1", 500, clock.now(), "S1", None, clock.now(),
                                    rt.settings).order
        from insights.models import SurveyInvitation
        invitation = SurveyInvitation(order_id=order.id, member_id=member.id, channel="store", store_id="S1",
                                      invite_at=clock.now(), created_at=clock.now())
        s.add(invitation)
        s.flush()
        s.add(SurveyResponse(invitation_id=invitation.id, member_id=member.id, order_id=order.id, store_id="S1",
                             rating=2, comment="call me on 0912345678", answered_at=clock.now() + timedelta(hours=1)))
        from content.models import ContentItem
        item = ContentItem(title_zh="手沖入門", created_by="test", created_at=clock.now(), updated_at=clock.now())
        s.add(item)
        s.flush()
        s.add(ContentView(member_id=member.id, content_id=item.id, viewed_at=clock.now()))
        s.flush()
        assert s.scalar(select(func.count()).select_from(ContentView)) == 1
        erasure.erase_member(s, member, clock.now())
    with rt.db.session() as s:
        response = s.scalar(select(SurveyResponse))
        assert response.comment is None and response.rating == 2
        assert s.scalar(select(func.count()).select_from(ContentView)) == 0


def test_an_english_line_user_is_welcomed_in_english_from_the_first_follow(chat, line, app):
    from bot.texts import text

    uid = "U" + "e" * 31 + "1"
    line.add_user(uid, "Emma", "en")
    welcome = chat.follow(uid)
    assert welcome[0]["altText"] == text("welcome.alt", "en") != text("welcome.alt", "zh-TW")
    assert member_of(app, uid).language == "en"
    joined = chat.join(uid)
    assert joined and member_of(app, uid).language == "en"


def test_a_profile_line_cannot_give_leaves_the_default_language(chat, line, app):
    from bot.texts import text

    uid = "U" + "e" * 31 + "2"
    line.inject(r"/v2/bot/profile/", 500)
    welcome = chat.follow(uid)
    assert welcome[0]["altText"] == text("welcome.alt", "zh-TW")
    line.clear_faults()
