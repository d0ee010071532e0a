"""The welcome journey, end to end: staff set the steps in the console, people join through the chat,
`flask jobs run-due --at` sends each step through the outbox and the policy, a member who leaves gets
nothing more, and the console shows per step how many got it and what they did after."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from content.models import ContentItem
from messaging import journey
from messaging.models import JourneyStep
from rewards.models import AuditLog, Member, Outbox

from ..e2e.chat import Chat
from .people import add_order

USERS = {k: "U" + c * 32 for k, c in (("a", "a"), ("b", "b"), ("c", "c"), ("d", "d"), ("e", "e"), ("f", "f"))}


def run_due(app, at):
    result = app.test_cli_runner().invoke(args=["jobs", "run-due", "--at", at.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


def texts(line, user_id):
    return [str(d["message"]) for d in line.delivered(user_id)]


def member_id(app, user_id):
    with app.extensions["bot"].db.session() as s:
        return s.scalar(select(Member.id).where(Member.line_user_id == user_id))


def test_welcome_journey_end_to_end(app, client, sender, line, login_as, clock):
    rt = app.extensions["bot"]
    start = clock.now()  # 2026-11-20 14:00 Taipei
    with rt.db.session() as s:
        s.add(ContentItem(title_zh="點數怎麼用", title_en="Using points", body_zh="三招。", body_en="Three tips.",
                          image_url="https://cdn.shop.example/p.jpg", link_url="https://shop.example/blog/2",
                          topics=[], status="active", kind="tip", source="console", created_by="t",
                          created_at=start, updated_at=start))
        s.flush()
        item_id = s.scalar(select(ContentItem.id))
    marketer = login_as("marketer")
    for form in ({"delay_days": "0", "kind": "text", "text_zh": "{name}，謝謝加入！消費每 NT$100 得 1 點。",
                  "text_en": "Thanks for joining, {name}! 1 point per NT$100."},
                 {"delay_days": "3", "kind": "content", "content_item_id": str(item_id)},
                 {"delay_days": "7", "kind": "text", "condition": "not_bought", "text_zh": "送您一張 NT$50 折價券",
                  "text_en": "Here is an NT$50 coupon"}):
        assert marketer.post("/console/journey/steps", form).status_code == 302
    assert marketer.post("/console/journey/steps", {"delay_days": "-1", "text_zh": "x"}).status_code == 400
    assert marketer.post("/console/journey/steps", {"delay_days": "1", "text_zh": "x",
                                                    "condition": "tier:platinum"}).status_code == 400
    with rt.db.session() as s:
        day0, day3, day7 = journey.steps(s)
        day0, day3, day7 = day0.id, day3.id, day7.id
    chat = Chat(client, sender, line)
    for key in ("a", "b", "c", "d", "f"):
        chat.join(USERS[key])
    run_due(app, start + timedelta(minutes=5))
    for key in ("a", "b", "c", "d", "f"):
        assert any("謝謝加入" in t for t in texts(line, USERS[key])), key
    # e joins late at night: day 0 waits for the end of quiet hours, and e leaves before that
    clock.set(start.replace(hour=22))
    chat.join(USERS["e"])
    run_due(app, start.replace(hour=22, minute=5))
    assert not any("謝謝加入" in t for t in texts(line, USERS["e"]))
    clock.set(start.replace(hour=23))
    chat.send(sender.unfollow(USERS["e"]))  # e blocks the account
    run_due(app, start + timedelta(days=1))  # 14:00 the next day
    assert not any("謝謝加入" in t for t in texts(line, USERS["e"]))
    # day 1: c blocks, d unsubscribes in the chat, f has had two other marketing messages this week
    clock.set(start + timedelta(days=1))
    chat.send(sender.unfollow(USERS["c"]))
    chat.say(USERS["d"], "取消訂閱")
    with rt.db.session() as s:
        fid = s.scalar(select(Member.id).where(Member.line_user_id == USERS["f"]))
        s.add(Outbox(dedup_key="other-f", member_id=fid, kind="text", category="marketing", params={"text_zh": "x"},
                     status="sent", not_before=start, created_at=start + timedelta(days=2),
                     sent_at=start + timedelta(days=2)))
    run_due(app, start + timedelta(days=3, minutes=5))
    assert any("點數怎麼用" in t for t in texts(line, USERS["a"])) and any("點數怎麼用" in t for t in texts(line, USERS["b"]))
    for key in ("c", "d", "f"):
        assert not any("點數怎麼用" in t for t in texts(line, USERS[key])), key
    # a buys on day 4; on day 7 only those who have not bought get the coupon
    with rt.db.session() as s:
        add_order(s, s.get(Member, member_id(app, USERS["a"])), 1_500, start + timedelta(days=4))
    run_due(app, start + timedelta(days=7, hours=1))
    assert any("NT$50 折價券" in t for t in texts(line, USERS["b"]))
    assert not any("NT$50 折價券" in t for t in texts(line, USERS["a"]))
    run_due(app, start + timedelta(days=7, hours=2))  # a second run sends nothing twice
    assert sum("NT$50 折價券" in t for t in texts(line, USERS["b"])) == 1
    with rt.db.session() as s:
        figures = {f.step.id: f for f in journey.figures(s, start + timedelta(days=12))}
    assert figures[day0].sent == 5 and figures[day0].skipped == {"left": 1}  # e left before it went
    assert figures[day0].after.buyers == 1 and figures[day0].after.revenue == 1_500  # a, within 7 days
    assert figures[day0].after.blocked == 1 and figures[day0].after.unsubscribed == 1  # c and d, within 3 days
    assert figures[day3].sent == 2 and figures[day3].skipped == {"unsubscribed": 1, "weekly_cap": 1}
    assert (figures[day3].after.buyers, figures[day3].after.orders) == (1, 1)
    assert figures[day7].sent == 2 and figures[day7].skipped == {"unsubscribed": 1}  # b and f; c had left
    assert figures[day7].after.buyers == 0
    # the console: every role sees it, only marketers change it
    clock.set(start + timedelta(days=12))
    viewer = login_as("viewer")
    page = viewer.get("/console/journey").get_data(as_text=True)
    assert f'<tr id="step-{day0}">' in page and "已離開 left 1" in page and "NT$1,500" in page
    assert 'id="new-step"' not in page
    assert viewer.post("/console/journey/steps", {"delay_days": "1", "text_zh": "x"}).status_code == 403
    assert viewer.post(f"/console/journey/steps/{day7}", {"delay_days": "1", "text_zh": "x"}).status_code == 403
    with rt.db.session() as s:
        assert s.get(JourneyStep, day7).delay_days == 7
        assert len(list(s.scalars(select(AuditLog).where(AuditLog.action == "journey.step_create")))) == 3


def test_a_step_goes_only_to_members_who_join_after_it_and_not_a_late_backlog(app, login_as, clock):
    from .people import add_member
    rt = app.extensions["bot"]
    now = clock.now()
    with rt.db.session() as s:
        before = add_member(s, now - timedelta(days=1))
        journey.save_step(s, journey.StepInput(delay_days=0, text_zh="hi"), "t", now, ("member",))
        fresh = add_member(s, now + timedelta(hours=1))
        old = add_member(s, now + timedelta(minutes=1))
        s.flush()
        assert journey.queue_due(s, now + timedelta(hours=2)) == 2
        keys = set(s.scalars(select(Outbox.dedup_key).where(Outbox.kind == "journey")))
    assert f"journey:1:{before.id}" not in keys and {f"journey:1:{fresh.id}", f"journey:1:{old.id}"} <= keys
    with rt.db.session() as s:
        late = add_member(s, now + timedelta(hours=3))
        assert journey.queue_due(s, now + timedelta(hours=3) + journey.CATCH_UP + timedelta(minutes=1)) == 0
        assert late.id not in set(s.scalars(select(Outbox.member_id).where(Outbox.kind == "journey")))


def test_a_content_step_without_an_item_picks_one_fitting_the_members_interests(app, clock):
    from .people import add_member
    rt = app.extensions["bot"]
    now = clock.now()

    def item(title, topics):
        return ContentItem(title_zh=title, title_en=title, body_zh="x", body_en="x", topics=topics, status="active",
                           kind="tip", source="console", created_by="t", created_at=now, updated_at=now)

    with rt.db.session() as s:
        coffee, tea, general = item("咖啡", ["咖啡"]), item("茶", ["茶"]), item("店訊", [])
        s.add_all([coffee, tea, general])
        journey.save_step(s, journey.StepInput(delay_days=3, kind="content"), "t", now, ("member",))
        tea_lover = add_member(s, now + timedelta(hours=1), tags=["interest:茶"])
        nobody_knows = add_member(s, now + timedelta(hours=1))
        s.flush()
        assert journey.queue_due(s, now + timedelta(days=3, hours=2)) == 2
        got = {r.member_id: r.params["content"]["title_zh"]
               for r in s.scalars(select(Outbox).where(Outbox.kind == "journey"))}
    assert got == {tea_lover.id: "茶", nobody_knows.id: "店訊"}
