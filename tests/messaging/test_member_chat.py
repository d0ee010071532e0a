"""1:1 chat begun by staff from a member's page (messaging/member_chat.py): the chat is a handoff opened by
staff, every reply a service push through the outbox, notes never sent, the read mark's tokens spent once,
the member told when the bot answers again."""
from __future__ import annotations

from datetime import timedelta

import pytest

from bot.outbox import sender as outbox_sender
from core.field_errors import FieldErrors
from messaging import handoff, member_chat
from messaging.models import Handoff

from ..e2e.chat import words
from ..scene import at

NOON = at(2026, 12, 7, 12)
DAY = timedelta(hours=24)
STAFF = "amy@shop.example"


@pytest.fixture
def member(scene, clock):
    clock.set(NOON)
    member_id = scene.member()
    return scene.get(member_chat.Member, member_id)


def test_staff_begin_a_chat_and_every_kind_of_reply_is_one_service_push(scene, member, line, clock):
    line.add_user(member.line_user_id, "Amy")
    with scene.rt.db.session() as s:
        m = s.get(member_chat.Member, member.id)
        chat = member_chat.begin(s, m, STAFF, NOON, DAY)
        assert (chat.opened_by, chat.assigned_to, chat.until) == (STAFF, STAFF, NOON + DAY)
        assert member_chat.begin(s, m, "other@shop.example", NOON, DAY).id == chat.id  # the open one, not a second
        member_chat.send_text(s, chat, m, "您好，關於您的問卷…", STAFF, NOON)
        member_chat.send_sticker(s, chat, m, "446", "1988", STAFF, NOON)
        member_chat.send_image(s, chat, m, "https://cdn.shop.example/sorry.jpg", STAFF, NOON)
        member_chat.note(s, chat, "客人上週也抱怨過", STAFF, NOON)
        history = member_chat.history(s, m)
        costs = member_chat.deliveries(s, history)
    assert [(h.kind, h.direction) for h in history] == [("text", "out"), ("sticker", "out"), ("image", "out"),
                                                          ("note", "out")]
    assert sorted(d.pushes for d in costs.values()) == [1, 1, 1]  # the note costs nothing: it is never sent
    assert history[3].id not in costs
    rows = scene.outbox(member_id=member.id)
    assert [(r.kind, r.category) for r in rows] == [("text", "service"), ("staff_sticker", "service"),
                                                    ("staff_image", "service")]
    outbox_sender.drain(scene.rt)
    got = [p for p in scene.pushes(member.line_user_id)]
    assert got == [{"type": "text", "text": "您好，關於您的問卷…"},
                   {"type": "sticker", "packageId": "446", "stickerId": "1988"},
                   {"type": "image", "originalContentUrl": "https://cdn.shop.example/sorry.jpg",
                    "previewImageUrl": "https://cdn.shop.example/sorry.jpg"}]
    with scene.rt.db.session() as s:
        statuses = {d.status for d in member_chat.deliveries(s, member_chat.history(s, s.get(member_chat.Member,
                                                                                              member.id))).values()}
    assert statuses == {"sent"}


@pytest.mark.parametrize("send, problem", [
    (lambda s, c, m: member_chat.send_text(s, c, m, "   ", STAFF, NOON), "needs some text"),
    (lambda s, c, m: member_chat.send_sticker(s, c, m, "446", "", STAFF, NOON), "choose a sticker"),
    (lambda s, c, m: member_chat.send_image(s, c, m, "http://plain.example/a.jpg", STAFF, NOON), "https://"),
    (lambda s, c, m: member_chat.note(s, c, "", STAFF, NOON), "needs some text"),
])
def test_bad_replies_are_refused_with_a_reason_and_nothing_is_queued(scene, member, send, problem):
    with scene.rt.db.session() as s:
        m = s.get(member_chat.Member, member.id)
        chat = member_chat.begin(s, m, STAFF, NOON, DAY)
        with pytest.raises(member_chat.ChatError, match=problem):
            send(s, chat, m)
    assert scene.outbox(member_id=member.id) == []


def test_an_erased_member_cannot_be_written_to(scene, member):
    scene.update_member(member.id, status="erased", line_user_id=None)
    with scene.rt.db.session() as s:
        with pytest.raises(member_chat.ChatError, match="cannot be reached"):
            member_chat.begin(s, s.get(member_chat.Member, member.id), STAFF, NOON, DAY)


def test_assignment_only_to_known_staff(scene, member):
    with scene.rt.db.session() as s:
        chat = member_chat.begin(s, s.get(member_chat.Member, member.id), STAFF, NOON, DAY)
        member_chat.assign(chat, "bob@shop.example", {STAFF, "bob@shop.example"})
        assert chat.assigned_to == "bob@shop.example"
        with pytest.raises(member_chat.ChatError):
            member_chat.assign(chat, "stranger@else.example", {STAFF})
        member_chat.assign(chat, "", {STAFF})
        assert chat.assigned_to is None


def test_canned_replies_need_a_title_and_a_text(scene):
    with scene.rt.db.session() as s:
        with pytest.raises(FieldErrors) as problems:
            member_chat.add_canned(s, "", "", STAFF, NOON)
        assert set(problems.value.problems) == {"title", "text"}
        member_chat.add_canned(s, "道歉 Sorry", "很抱歉造成您的不便", STAFF, NOON)
        member_chat.add_canned(s, "營業時間 Hours", "每天 10:00-22:00", STAFF, NOON)
        assert {c.title for c in member_chat.canned(s)} == {"營業時間 Hours", "道歉 Sorry"}
        first = member_chat.canned(s)[0]
        assert member_chat.remove_canned(s, first.id) and not member_chat.remove_canned(s, first.id)
        assert len(member_chat.canned(s)) == 1


def test_the_members_words_wait_for_staff_with_their_read_token_spent_once(chat, scene, line, clock):
    uid = "U" + "c" * 32
    line.add_user(uid, "陳小華")
    chat.join(uid)
    member = scene.by_line_user(uid)
    with scene.rt.db.session() as s:
        member_chat.begin(s, s.get(member_chat.Member, member.id), STAFF, clock.now(), DAY)
    assert chat.say(uid, "我的訂單少一個杯子") == []  # staff have the chat: the bot keeps quiet
    assert chat.say(uid, "還有收據") == []
    with scene.rt.db.session() as s:
        current = handoff.open_for(s, uid, clock.now())
        token = member_chat.unread_token(s, current)
        assert token is not None
        scene.rt.line.mark_as_read(token)  # what the console does when staff open the chat
        member_chat.marked_read(s, current, clock.now())
        assert member_chat.unread_token(s, current) is None and current.read_at == clock.now()
    assert line.read_up_to[uid] >= 2  # the platform saw both messages read (the newest token covers the first)
    from bot.line_client import LineApiError
    with pytest.raises(LineApiError):
        scene.rt.line.mark_as_read("not-a-token-line-gave")


def test_handing_back_tells_the_member_once(chat, scene, line, clock):
    uid = "U" + "d" * 32
    line.add_user(uid, "Amy", "en")
    chat.join(uid)
    member = scene.by_line_user(uid)
    with scene.rt.db.session() as s:
        current = member_chat.begin(s, s.get(member_chat.Member, member.id), STAFF, clock.now(), DAY)
        handoff.hand_back(s, current, STAFF, clock.now())
        handoff.hand_back(s, current, STAFF, clock.now())  # a second click tells nobody twice
    assert [r.kind for r in scene.outbox(member_id=member.id, kind="handoff_ended")] == ["handoff_ended"]
    outbox_sender.drain(scene.rt)
    assert any("the bot answers you again" in p.get("text", "") for p in scene.pushes(uid))
    with scene.rt.db.session() as s:
        assert s.get(Handoff, current.id).closed_by == STAFF
    assert words(chat.say(uid, "thanks")) != ""  # the bot answers again
