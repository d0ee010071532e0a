"""Broadcasts: compose, preview, forecast, quota, schedule, send through the outbox and its policy,
results, test sends, cancelling, roles and audit — with the LINE simulator as LINE."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from worker.runner import run_due
from messaging import broadcasts as bc
from messaging.models import Broadcast
from content.models import ContentItem
from insights.models import Segment
from rewards.models import AuditLog, Outbox

from .conftest import create_staff
from .people import add_member

STAFF_LINE_ID = "U" + "5" * 32


@pytest.fixture
def audience(app, clock):
    """Five members: two who can get marketing, one unsubscribed, one blocked, one at the weekly cap."""
    rt = app.extensions["bot"]
    now = clock.now()
    with rt.db.session() as s:
        people = {
            "amy": add_member(s, now - timedelta(days=50), name="Amy Chen", language="en", tags=["vip"]),
            "wang": add_member(s, now - timedelta(days=40), name="王小明", tags=["vip"]),
            "quiet": add_member(s, now - timedelta(days=30), name="不訂閱", marketing_opt_in=False, tags=["vip"]),
            "gone": add_member(s, now - timedelta(days=20), name="封鎖者", is_blocked=True, tags=["vip"]),
            "busy": add_member(s, now - timedelta(days=10), name="已滿額", tags=["vip"]),
        }
        for k in range(rt.settings.marketing_weekly_cap):
            s.add(Outbox(dedup_key=f"earlier-{k}", member_id=people["busy"].id, kind="text", category="marketing",
                         params={"text_zh": "x"}, status="sent", not_before=now - timedelta(days=1),
                         created_at=now - timedelta(days=1), sent_at=now - timedelta(days=1)))
        s.add(Segment(name="VIP", definition={"tags": ["vip"]}, created_by="t", created_at=now, updated_at=now))
        s.flush()
        segment_id = s.scalar(select(Segment.id))
        return {k: (m.id, m.line_user_id) for k, m in people.items()}, segment_id


def make_broadcast(marketer, segment_id, **fields):
    form = {"name": "週末活動", "segment_id": str(segment_id), "message_type": "text",
            "text_zh": "{name}，週末全品項 9 折！", "text_en": "Hi {name}, 10% off everything this weekend!"}
    form.update(fields)
    response = marketer.post("/console/broadcasts", form)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return int(re.search(r"/broadcasts/(\d+)", response.headers["Location"]).group(1))


def code_of(app, name):
    from rewards.models import Member
    with app.extensions["bot"].db.session() as s:
        return s.scalar(select(Member.member_code).where(Member.display_name == name))


def texts_of(line, user_id):
    return [d["message"].get("text") for d in line.delivered(user_id)]


def test_compose_preview_forecast_and_quota(app, login_as, audience):
    _, segment_id = audience
    marketer = login_as("marketer")
    bid = make_broadcast(marketer, segment_id)
    page = marketer.get(f"/console/broadcasts/{bid}").get_data(as_text=True)
    # the preview: real members of the segment, each in their own language (who will get it first)
    assert "已滿額，週末全品項 9 折！" in page and "Hi Amy Chen, 10% off everything this weekend!" in page
    assert "Hi Amy," not in page and "王小明，週末" not in page
    picked = marketer.get(f"/console/broadcasts/{bid}?member={code_of(app, '王小明')}").get_data(as_text=True)
    assert "王小明，週末全品項 9 折！" in picked and "Hi Amy Chen" in picked
    # 5 in the segment; the policy will skip the unsubscribed, the blocked and the one at the weekly cap
    assert 'id="audience-total">5<' in page and 'id="will-send">2<' in page
    for reason in ("unsubscribed", "blocked", "weekly cap"):
        assert reason in page
    # the simulator's quota: 1,000 a month, none used yet
    assert "1,000" in page


def test_schedule_then_the_due_jobs_send_through_the_outbox(app, login_as, audience, line, clock):
    people, segment_id = audience
    marketer = login_as("marketer")
    bid = make_broadcast(marketer, segment_id)
    at = clock.now() + timedelta(hours=2)  # 16:00 Taipei, outside quiet hours
    marketer.post(f"/console/broadcasts/{bid}", {"what": "schedule", "scheduled_at": at.strftime("%Y-%m-%dT%H:%M")})
    run_due(app, clock.now())  # not yet due
    assert texts_of(line, people["wang"][1]) == []
    results = run_due(app, at)
    assert any(r.name == "broadcasts" and "5 messages" in r.summary for r in results), results
    assert texts_of(line, people["wang"][1]) == ["王小明，週末全品項 9 折！"]
    assert texts_of(line, people["amy"][1]) == ["Hi Amy Chen, 10% off everything this weekend!"]
    for nobody in ("quiet", "gone", "busy"):
        assert texts_of(line, people[nobody][1]) == []
    rt = app.extensions["bot"]
    with rt.db.session() as s:
        rows = list(s.scalars(select(Outbox).where(Outbox.kind == "broadcast").order_by(Outbox.member_id)))
        assert {r.dedup_key for r in rows} == {f"broadcast:{bid}:{mid}" for mid, _ in people.values()}
        assert {r.campaign_id for r in rows} == {bid} and {r.category for r in rows} == {"marketing"}
        r = bc.results(s, bid)
        assert (r.total, r.sent, r.failed, r.waiting) == (5, 2, 0, 0)
        assert r.skipped == {"unsubscribed": 1, "blocked": 1, "weekly_cap": 1}
        assert s.get(Broadcast, bid).status == "queued" and s.get(Broadcast, bid).recipients == 5
    page = marketer.get(f"/console/broadcasts/{bid}").get_data(as_text=True)
    assert 'id="result-sent">2<' in page and "已退訂 unsubscribed" in page
    # running again sends nothing twice
    run_due(app, at + timedelta(minutes=5))
    assert len(line.delivered(people["wang"][1])) == 1


def test_send_now_in_quiet_hours_waits_for_the_morning(app, login_as, audience, line, clock):
    people, segment_id = audience
    clock.set(clock.now().replace(hour=22, minute=0))
    marketer = login_as("marketer")
    bid = make_broadcast(marketer, segment_id)
    page = marketer.get(f"/console/broadcasts/{bid}").get_data(as_text=True)
    assert "quiet hours" in page
    marketer.post(f"/console/broadcasts/{bid}", {"what": "send_now"})
    run_due(app, clock.now())
    assert texts_of(line, people["wang"][1]) == []
    with app.extensions["bot"].db.session() as s:
        assert bc.results(s, bid).waiting == 3  # the weekly cap is asked when quiet hours end
    run_due(app, clock.now().replace(hour=9, minute=1) + timedelta(days=1))
    assert texts_of(line, people["wang"][1]) == ["王小明，週末全品項 9 折！"]


def test_cancel_a_scheduled_broadcast(app, login_as, audience, line, clock):
    people, segment_id = audience
    marketer = login_as("marketer")
    bid = make_broadcast(marketer, segment_id)
    at = clock.now() + timedelta(hours=1)
    marketer.post(f"/console/broadcasts/{bid}", {"what": "schedule", "scheduled_at": at.strftime("%Y-%m-%dT%H:%M")})
    marketer.post(f"/console/broadcasts/{bid}", {"what": "cancel"})
    run_due(app, at + timedelta(minutes=1))
    assert texts_of(line, people["wang"][1]) == []
    with app.extensions["bot"].db.session() as s:
        assert s.get(Broadcast, bid).status == "cancelled"
        assert s.scalar(select(func.count()).select_from(Outbox).where(Outbox.kind == "broadcast")) == 0
        actions = list(s.scalars(select(AuditLog.action).where(AuditLog.target == f"broadcast:{bid}")
                                 .order_by(AuditLog.id)))
    assert actions == ["broadcast.create", "broadcast.schedule", "broadcast.cancel"]


def test_a_test_send_goes_to_the_staff_members_own_line_as_a_picked_member(app, login_as, audience, line):
    _, segment_id = audience
    create_staff(app, "me@shop.example", "marketer", line_user_id=STAFF_LINE_ID)
    marketer = login_as("marketer", "me@shop.example")
    bid = make_broadcast(marketer, segment_id)
    marketer.post(f"/console/broadcasts/{bid}", {"what": "test", "member": code_of(app, "Amy Chen")})
    run_due(app, app.extensions["bot"].clock.now())
    # the member's own message, in the member's language: one message, no 「會員朋友」
    assert texts_of(line, STAFF_LINE_ID) == ["Hi Amy Chen, 10% off everything this weekend!"]
    marketer.post(f"/console/broadcasts/{bid}", {"what": "test"})  # nobody picked: who would get it first
    run_due(app, app.extensions["bot"].clock.now())
    assert texts_of(line, STAFF_LINE_ID)[1:] == ["已滿額，週末全品項 9 折！"]
    with app.extensions["bot"].db.session() as s:
        assert s.get(Broadcast, bid).status == "draft"  # a test send sends nothing to members
        assert bc.results(s, bid).total == 0


def test_a_test_send_needs_a_line_user_id(app, login_as, audience):
    _, segment_id = audience
    marketer = login_as("marketer")
    bid = make_broadcast(marketer, segment_id)
    page = marketer.post(f"/console/broadcasts/{bid}", {"what": "test"}, follow_redirects=True).get_data(as_text=True)
    assert "link your LINE account first" in page


def test_a_staff_line_id_cannot_be_typed_in_by_anyone(app, login_as, audience):
    """Issue 19: /console/me took a hand-typed LINE user id from any role, and test sends went there.
    The only way in is the LINK code sent from that LINE account (the webhook event's user id)."""
    people, segment_id = audience
    quiet_line_id = people["quiet"][1]  # a member who opted out of marketing
    for role in ("viewer", "marketer", "admin"):
        person = login_as(role)
        reply = person.post("/console/me", {"what": "line", "line_user_id": quiet_line_id})
        assert reply.status_code == 400, role
        assert "line_user_id" not in person.get("/console/me").get_data(as_text=True)
    marketer = login_as("marketer")
    bid = make_broadcast(marketer, segment_id)
    page = marketer.post(f"/console/broadcasts/{bid}", {"what": "test"}, follow_redirects=True).get_data(as_text=True)
    assert "link your LINE account first" in page
    with app.extensions["bot"].db.session() as s:
        assert s.scalar(select(func.count()).select_from(Outbox).where(Outbox.to_user_id.is_not(None))) == 0


def test_a_test_send_never_goes_to_a_member_who_opted_out_or_was_erased(app, login_as, audience, line, clock):
    """Even a LINE account linked by its code: a member who opted out, blocked the bot or was erased
    gets no test send, whether they said so before the test was queued (refused) or after (skipped)."""
    from privacy import erasure
    from rewards.models import Member

    people, segment_id = audience
    rt = app.extensions["bot"]
    create_staff(app, "quiet@shop.example", "marketer", line_user_id=people["quiet"][1])
    quiet = login_as("marketer", "quiet@shop.example")
    bid = make_broadcast(quiet, segment_id)
    page = quiet.post(f"/console/broadcasts/{bid}", {"what": "test"}, follow_redirects=True).get_data(as_text=True)
    assert "opted out of marketing messages" in page

    create_staff(app, "amy@shop.example", "marketer", line_user_id=people["amy"][1])
    amy = login_as("marketer", "amy@shop.example")
    amy.post(f"/console/broadcasts/{bid}", {"what": "test"})  # queued while Amy is subscribed ...
    with rt.db.session() as s:
        s.get(Member, people["amy"][0]).marketing_opt_in = False  # ... and she opts out before it goes
    create_staff(app, "wang@shop.example", "marketer", line_user_id=people["wang"][1])
    wang = login_as("marketer", "wang@shop.example")
    wang.post(f"/console/broadcasts/{bid}", {"what": "test"})  # queued, then 王小明's data is erased
    with rt.db.session() as s:
        erasure.erase_member(s, s.get(Member, people["wang"][0]), clock.now())
    run_due(app, clock.now())
    for who in ("quiet", "amy", "wang"):
        assert line.delivered(people[who][1]) == [], who
    with rt.db.session() as s:
        tests = s.execute(select(Outbox.to_user_id, Outbox.status, Outbox.skip_reason)
                          .where(Outbox.dedup_key.like("broadcast-test:%")).order_by(Outbox.id)).all()
    # Amy's skipped when it was due; 王小明's cancelled by the erasure, which forgot his LINE id there too
    assert [tuple(t) for t in tests] == [(people["amy"][1], "skipped", "unsubscribed"), (None, "cancelled", "erased")]
    page = wang.post(f"/console/broadcasts/{bid}", {"what": "test"}, follow_redirects=True).get_data(as_text=True)
    assert "link your LINE account first" in page  # the erasure unlinked the account


def test_image_button_and_content_messages_pass_lines_spec(app, login_as, audience, line, clock):
    people, segment_id = audience
    rt = app.extensions["bot"]
    with rt.db.session() as s:
        s.add(ContentItem(title_zh="手沖咖啡入門", title_en="Pour-over basics", body_zh="三個步驟。", body_en="Three steps.",
                          image_url="https://cdn.shop.example/coffee.jpg", link_url="https://shop.example/blog/1",
                          topics=[], status="active", kind="tip", source="console", created_by="t",
                          created_at=clock.now(), updated_at=clock.now()))
        s.flush()
        item_id = s.scalar(select(ContentItem.id))
    create_staff(app, "me@shop.example", "marketer", line_user_id=STAFF_LINE_ID)
    marketer = login_as("marketer", "me@shop.example")
    image = make_broadcast(marketer, segment_id, name="圖", message_type="image", text_zh="", text_en="",
                           image_url="https://cdn.shop.example/sale.jpg")
    button = make_broadcast(marketer, segment_id, name="鈕", message_type="button", button_label_zh="立即選購",
                            button_label_en="Shop now", button_url="https://shop.example/sale",
                            image_url="https://cdn.shop.example/sale.jpg")
    content = make_broadcast(marketer, segment_id, name="文", message_type="content", text_zh="本週推薦",
                             text_en="This week", content_item_id=str(item_id))
    for bid in (image, button, content):
        page = marketer.get(f"/console/broadcasts/{bid}").get_data(as_text=True)
        assert "class=\"phone\"" in page
        marketer.post(f"/console/broadcasts/{bid}", {"what": "send_now"})
    marketer.post(f"/console/broadcasts/{content}", {"what": "test"})
    run_due(app, clock.now())
    got = [d["message"] for d in line.delivered(people["wang"][1])]
    assert [m["type"] for m in got] == ["image", "flex"]
    assert "立即選購" in str(got[1])
    # the third marketing message this week is over the weekly cap (2): the policy skipped it
    with rt.db.session() as s:
        assert bc.results(s, content).skipped.get("weekly_cap") == 3  # amy, wang and the one capped before
    tested = [d["message"] for d in line.delivered(STAFF_LINE_ID)]
    assert sorted(m["type"] for m in tested) == ["flex", "text"]  # as a zh-TW member of the segment gets it
    assert "手沖咖啡入門" in str(tested) and "Pour-over basics" not in str(tested)
    # (the `line` fixture fails the test if any call broke LINE's OpenAPI spec)


def test_bad_compositions_are_refused(app, login_as, audience):
    _, segment_id = audience
    marketer = login_as("marketer")
    for fields in ({"name": ""}, {"text_zh": ""}, {"message_type": "image", "image_url": "http://x.example/a.jpg"},
                   {"message_type": "button", "button_label_zh": "一二三四五六七八九十一二三四五六七八九十一",
                    "button_url": "https://x.example"},
                   {"message_type": "content", "content_item_id": "999"}):
        form = {"name": "x", "segment_id": str(segment_id), "message_type": "text", "text_zh": "hi", **fields}
        assert marketer.post("/console/broadcasts", form).status_code == 400, fields
    with app.extensions["bot"].db.session() as s:
        assert s.scalar(select(func.count()).select_from(Broadcast)) == 0


def test_a_broadcast_to_a_past_time_is_refused(app, login_as, audience, clock):
    _, segment_id = audience
    marketer = login_as("marketer")
    bid = make_broadcast(marketer, segment_id)
    past = clock.now() - timedelta(hours=1)
    marketer.post(f"/console/broadcasts/{bid}", {"what": "schedule", "scheduled_at": past.strftime("%Y-%m-%dT%H:%M")})
    with app.extensions["bot"].db.session() as s:
        assert s.get(Broadcast, bid).status == "draft"


def test_viewers_and_strangers_cannot_send(app, login_as, console, audience, line, clock):
    people, segment_id = audience
    bid = make_broadcast(login_as("marketer"), segment_id)
    viewer = login_as("viewer")
    assert viewer.get(f"/console/broadcasts/{bid}").status_code == 200
    assert "立即送出" not in viewer.get(f"/console/broadcasts/{bid}").get_data(as_text=True)
    assert viewer.get("/console/broadcasts/new").status_code == 403
    for what in ("send_now", "schedule", "test", "cancel", "save"):
        assert viewer.post(f"/console/broadcasts/{bid}", {"what": what}).status_code == 403
        assert console.post(f"/console/broadcasts/{bid}", {"what": what}).status_code in (400, 401)
    assert viewer.post("/console/broadcasts", {"name": "x", "text_zh": "x"}).status_code == 403
    run_due(app, clock.now() + timedelta(hours=1))
    assert line.calls_to("/v2/bot/message/push") == [] and line.calls_to("/v2/bot/message/multicast") == []
    with app.extensions["bot"].db.session() as s:
        assert s.get(Broadcast, bid).status == "draft"


def test_a_crash_while_queuing_is_finished_without_duplicates(app, audience, clock):
    people, segment_id = audience
    rt = app.extensions["bot"]
    now = clock.now()
    with rt.db.session() as s:
        b = bc.save_draft(s, "crash", segment_id, bc.Message(text_zh="哈囉"), "t", now)
        bc.schedule(s, b, now, now)
        bid = b.id
    with rt.db.session() as s:
        assert bc.claim_due(s, now) == [bid]
    first_two = sorted(mid for mid, _ in people.values())[:2]
    with rt.db.session() as s:
        assert bc.queue_range(s, bid, 0, first_two[-1], now) == 2
    # the worker died here; the next run finishes the job
    run_due(app, now + timedelta(minutes=1))
    with rt.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Outbox).where(Outbox.campaign_id == bid)) == 5
        assert s.get(Broadcast, bid).status == "queued"


def test_the_broadcast_list_and_the_dashboard_show_results(app, login_as, audience, line, clock):
    people, segment_id = audience
    marketer = login_as("marketer")
    bid = make_broadcast(marketer, segment_id)
    marketer.post(f"/console/broadcasts/{bid}", {"what": "send_now"})
    run_due(app, clock.now())
    # one recipient blocks the account within the day
    rt = app.extensions["bot"]
    from rewards import membership
    with rt.db.session() as s:
        membership.record_unfollow(s, people["wang"][1], clock.now() + timedelta(hours=3))
    listing = marketer.get("/console/broadcasts").get_data(as_text=True)
    assert "週末活動" in listing
    csv = marketer.get("/console/?table=broadcasts&format=csv").get_data(as_text=True)
    assert "週末活動" in csv and ",5,2,1,50.0" in csv
