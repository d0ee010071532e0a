"""Broadcasts, the results that matter: the staff member's LINE linked by a one-time code, "Send now"
at night says when, links through short redirects that count clicks, and delivered / skipped / clicks /
leaving / orders and revenue, against a hold-out, end to end with `flask jobs run-due --at`."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from insights.models import Segment
from messaging import ab_split, broadcast_results, holdout, staff_link
from messaging.models import Broadcast, ShortLink
from rewards.models import Member, Outbox

from ..e2e.chat import Chat
from .conftest import create_staff
from .people import add_member, add_order

STAFF_USER = "U" + "7" * 32
CODE = re.compile(r'id="line-link-code">LINK ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})<')


def run_due(app, at):
    result = app.test_cli_runner().invoke(args=["jobs", "run-due", "--at", at.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


def test_staff_link_their_line_with_a_one_time_code(app, client, sender, line, login_as, clock):
    create_staff(app, "me@shop.example", "marketer")
    marketer = login_as("marketer", "me@shop.example")
    assert "Link your LINE account first" not in marketer.get("/console/me").get_data(as_text=True)
    marketer.post("/console/me/line-link")
    code = CODE.search(marketer.get("/console/me").get_data(as_text=True)).group(1)
    chat = Chat(client, sender, line)
    assert "無效或已過期" in str(chat.say(STAFF_USER, "LINK 000000"))
    # case and dashes do not matter (typed in English, answered in English: the staff member chose no language)
    assert "Linked!" in str(chat.say(STAFF_USER, f"link {code.lower()}"))
    assert "無效或已過期" in str(chat.say(STAFF_USER, f"LINK {code}"))  # once only
    page = marketer.get("/console/me").get_data(as_text=True)
    assert "已連結 Linked" in page and STAFF_USER not in page
    with app.extensions["bot"].db.session() as s:
        staff_id = s.scalar(select(staff_link.StaffLineLink.staff_id))
        assert staff_link.linked(s, staff_id).line_user_id == STAFF_USER
        # an expired code links nothing
        late = staff_link.new_code(s, staff_id, "me@shop.example", clock.now())
        assert not staff_link.redeem(s, late, "U" + "8" * 32, clock.now() + timedelta(minutes=6)).linked
    # test sends now go to the linked account
    now = clock.now()
    with app.extensions["bot"].db.session() as s:
        add_member(s, now - timedelta(days=3), name="Lin", language="en", tags=["t"])
    bid = int(re.search(r"/broadcasts/(\d+)", marketer.post("/console/broadcasts", {
        "name": "t", "message_type": "text", "text_zh": "{name} 你好", "text_en": "Hello {name}"}).headers["Location"]
        ).group(1))
    marketer.post(f"/console/broadcasts/{bid}", {"what": "test"})
    run_due(app, now)
    assert [d["message"]["text"] for d in line.delivered(STAFF_USER) if d["message"]["type"] == "text"][-1:] == [
        "Hello Lin"]


def test_send_now_at_night_says_when_it_will_go(app, login_as, clock):
    clock.set(clock.now().replace(hour=22, minute=30))
    with app.extensions["bot"].db.session() as s:
        add_member(s, clock.now() - timedelta(days=3))
    marketer = login_as("marketer")
    bid = int(re.search(r"/broadcasts/(\d+)", marketer.post("/console/broadcasts", {
        "name": "night", "message_type": "text", "text_zh": "晚安"}).headers["Location"]).group(1))
    page = marketer.post(f"/console/broadcasts/{bid}", {"what": "send_now"}, follow_redirects=True
                         ).get_data(as_text=True)
    assert "Quiet hours: the messages go out at 2026-11-21 09:00" in page
    assert "Sending now" not in page and 'id="goes-out-at"' in page


def test_hold_out_is_the_same_in_python_and_sql(app, clock):
    with app.extensions["bot"].db.session() as s:
        ids = [add_member(s, clock.now()).id for _ in range(200)]
        in_sql = set(s.scalars(select(Member.id).where(holdout.held_out(Member.id, 7, 25))))
    in_python = {i for i in ids if holdout.is_held_out(i, 7, 25)}
    assert in_sql == in_python and 40 <= len(in_python) <= 60  # about a quarter
    assert not any(holdout.is_held_out(i, 7, 0) for i in ids)


def test_results_with_clicks_leaving_orders_and_a_hold_out(app, client, login_as, line, clock):
    rt = app.extensions["bot"]
    now = clock.now()
    with rt.db.session() as s:
        people = [add_member(s, now - timedelta(days=30), name=f"m{k}", tags=["sale"]) for k in range(20)]
        s.add(Segment(name="Sale", definition={"tags": ["sale"]}, created_by="t", created_at=now, updated_at=now))
        s.flush()
        segment_id = s.scalar(select(Segment.id))
    marketer = login_as("marketer")
    response = marketer.post("/console/broadcasts", {
        "name": "sale", "segment_id": str(segment_id), "message_type": "button", "text_zh": "特賣 https://shop.example/a",
        "text_en": "Sale", "button_label_zh": "選購", "button_label_en": "Shop", "button_url": "https://shop.example/sale",
        "holdout_pct": "50"})
    bid = int(re.search(r"/broadcasts/(\d+)", response.headers["Location"]).group(1))
    assert marketer.post(f"/console/broadcasts/{bid}", {"what": "send_now"}).status_code == 302
    run_due(app, now)
    # exactly half held out: the 10 first in the broadcast's order (messaging/ab_split.py)
    held = set(sorted((m.id for m in people), key=lambda i: ab_split.h_of(i, bid))[:10])
    with rt.db.session() as s:
        rows = {r.member_id: r for r in s.scalars(select(Outbox).where(Outbox.campaign_id == bid))}
        assert {mid for mid, r in rows.items() if r.skip_reason == "holdout"} == held
        assert {r.status for mid, r in rows.items() if mid not in held} == {"sent"}
        tokens = {link.url: link.token for link in s.scalars(select(ShortLink).where(ShortLink.broadcast_id == bid))}
    assert set(tokens) == {"https://shop.example/sale", "https://shop.example/a"}
    sent_to = [m for m in people if m.id not in held]
    got = str(line.delivered(sent_to[0].line_user_id))
    assert "/l/" + tokens["https://shop.example/sale"] in got and "shop.example/sale" not in got
    assert line.delivered(next(m for m in people if m.id in held).line_user_id) == []
    # the link carries no personal data: every recipient's message holds the same short address
    assert all("/l/" + tokens["https://shop.example/sale"] in str(line.delivered(m.line_user_id)) for m in sent_to)
    for _ in range(3):
        redirect = client.get("/l/" + tokens["https://shop.example/sale"])
        assert redirect.status_code == 302 and redirect.headers["Location"] == "https://shop.example/sale"
    assert client.get("/l/" + tokens["https://shop.example/a"]).status_code == 302
    assert client.get("/l/nope").status_code == 404
    # what members did after
    a, b, c, d = sent_to[:4]
    h = next(m for m in people if m.id in held)
    with rt.db.session() as s:
        add_order(s, s.get(Member, a.id), 1_200, now + timedelta(days=2))
        add_order(s, s.get(Member, a.id), 800, now + timedelta(days=6))
        add_order(s, s.get(Member, b.id), 5_000, now + timedelta(days=8))  # after 7 days: not counted
        add_order(s, s.get(Member, h.id), 600, now + timedelta(days=1))
        add_order(s, s.get(Member, c.id), 999, now - timedelta(days=1))  # before: not counted
        s.get(Member, c.id).is_blocked, s.get(Member, c.id).blocked_at = True, now + timedelta(days=1)
        s.get(Member, d.id).marketing_opt_in, s.get(Member, d.id).opt_in_changed_at = False, now + timedelta(days=2)
        s.get(Member, b.id).is_blocked, s.get(Member, b.id).blocked_at = True, now + timedelta(days=4)  # too late
    later = now + timedelta(days=10)
    clock.set(later)
    run_due(app, later)
    with rt.db.session() as s:
        e = broadcast_results.earned(s, bid, later)
    n_sent, n_held = 20 - len(held), len(held)
    assert (e.delivered, e.clicks) == (n_sent, 4)
    assert (e.recipients.members, e.recipients.orders, e.recipients.revenue, e.recipients.buyers) == (n_sent, 2, 2_000, 1)
    assert (e.recipients.blocked, e.recipients.unsubscribed) == (1, 1)
    assert (e.holdout.members, e.holdout.orders, e.holdout.revenue) == (n_held, 1, 600)
    assert e.added_revenue == 2_000 - 600 / n_held * n_sent
    viewer = login_as("viewer")
    page = viewer.get(f"/console/broadcasts/{bid}").get_data(as_text=True)
    assert f'id="earned-delivered">{n_sent}<' in page and 'id="earned-clicks">4<' in page
    assert 'id="earned-blocked">1<' in page and 'id="earned-unsubscribed">1<' in page
    assert "NT$2,000" in page and "NT$600" in page and 'id="earned-added"' in page
    assert "對照組 hold-out" not in page.split('id="earned"')[1].split("略過 Skipped")[-1]  # not a skip reason
    # a viewer sees it all and changes none of it
    assert viewer.post(f"/console/broadcasts/{bid}", {"what": "cancel"}).status_code == 403
    with rt.db.session() as s:
        assert s.get(Broadcast, bid).status == "queued"


def test_addresses_in_text_are_rewritten_up_to_cjk_punctuation():
    from messaging import short_links
    params = {"text_zh": "特賣 https://shop.example/a，快來！", "text_en": "Sale https://shop.example/a.",
              "button_url": "https://shop.example/sale"}
    out = short_links.rewrite(params, {"https://shop.example/a": "tok1", "https://shop.example/sale": "tok2"},
                              "https://bot.example/")
    assert out["text_zh"] == "特賣 https://bot.example/l/tok1，快來！"
    assert out["button_url"] == "https://bot.example/l/tok2"
    assert out["text_en"] == "Sale https://bot.example/l/tok1."  # the sentence's full stop stays outside
    assert short_links.rewrite(params, {}, "https://bot.example") == params
