"""A journey step carries a campaign coupon: staff set it in the console with the broadcast's fields and
messages, each member the step goes to gets a code of their own (campaign_coupons.issue_for) in the message
LINE receives, the limit caps how many, the till redeems a code once, and the step's figures report it.
The win-back journey's wait is staff's setting, checked, and moves who is due."""
from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select

from api.keys import create_key
from messaging import journey
from rewards.models import Coupon, Member, Outbox
from worker.runner import run_due

from .people import add_member, add_order


def step_form(**extra):
    return {"journey": "welcome", "delay_days": "0", "kind": "text", "text_zh": "{name}，歡迎！送您一張券",
            "text_en": "Welcome, {name}! A coupon for you", "condition": "", "active": "yes", "coupon_value": "80",
            "coupon_days": "10", "coupon_limit": "2", "coupon_title_zh": "新會員券", "coupon_title_en": "Newcomer coupon"} | extra


def test_a_step_gives_each_member_a_code_of_their_own_redeemable_at_the_till(app, login_as, line, clock):
    rt = app.extensions["bot"]
    marketer = login_as("marketer")
    response = marketer.post("/console/journey/steps", step_form())
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    with rt.db.session() as s:
        (step,) = journey.steps(s)
        step_id = step.id
        assert step.coupon["value"] == 80 and step.coupon["limit"] == 2
    page = marketer.get("/console/journey").get_data(as_text=True)
    assert "新會員券" in page and "SAMPLE000000" in page and "NT$80" in page  # the preview shows the sample code
    with rt.db.session() as s:  # three members join after the step was set up
        people = [add_member(s, clock.now() + timedelta(minutes=k + 1), name=f"j{k}",
                             language="en" if k == 0 else "zh-TW") for k in range(3)]
        users = {p.id: p.line_user_id for p in people}
    clock.advance(timedelta(minutes=10))
    run_due(app, clock.now())
    with rt.db.session() as s:
        given = s.scalars(select(Coupon).where(Coupon.kind == "campaign").order_by(Coupon.member_id)).all()
        assert [c.uniqueness_key for c in given] == [f"campaign:js{step_id}:{m}" for m in sorted(users)[:2]]
        assert all(c.value == 80 and c.valid_until - c.valid_from == timedelta(days=10) for c in given)
        codes = {users[c.member_id]: c.code for c in given}
        rows = s.scalars(select(Outbox).where(Outbox.kind == "journey")).all()
        assert len(rows) == 3 and {r.status for r in rows} == {"sent"}
    assert len(set(codes.values())) == 2
    for user, code in codes.items():
        texts = [d["message"].get("text", "") for d in line.delivered(user)]
        assert any(code in t for t in texts), texts
    english = users[min(users)]
    assert any("Newcomer coupon" in d["message"].get("text", "") for d in line.delivered(english))
    beyond = users[max(users)]  # the limit: the third gets the message, no coupon
    delivered = line.delivered(beyond)
    assert delivered and not any("SAMPLE" in str(d) or "新會員券" in str(d) for d in delivered)

    with rt.db.session() as s:
        _row, key = create_key(s, f"pos-{uuid.uuid4().hex[:8]}", clock.now())
    client = app.test_client()
    headers = {"Authorization": "Bearer " + key}
    code = codes[english]
    first = client.post(f"/api/v1/coupons/{code}/redeem", json={"channel": "store", "store_id": "S01"}, headers=headers)
    assert first.status_code == 200 and first.get_json()["value"] == 80
    assert client.post(f"/api/v1/coupons/{code}/redeem", json={"channel": "store"}, headers=headers).status_code == 409
    page = marketer.get("/console/journey").get_data(as_text=True)
    cell = page.split(f'id="coupons-{step_id}"')[1].split("</td>")[0]
    assert '"coupons-issued">2<' in cell and '"coupons-redeemed">1<' in cell and "NT$80" in cell
    with rt.db.session() as s:
        (figures,) = journey.figures(s, clock.now())
        assert (figures.coupons.issued, figures.coupons.redeemed, figures.coupons.redeemed_value) == (2, 1, 80)


def test_the_test_send_shows_the_sample_code_and_gives_no_coupon(app, login_as, line, clock):
    from .conftest import create_staff
    rt = app.extensions["bot"]
    staff_user = "U" + uuid.uuid4().hex
    email = create_staff(app, f"m{uuid.uuid4().hex[:6]}@shop.example", "marketer", line_user_id=staff_user)
    from .conftest import ConsoleClient
    marketer = ConsoleClient(app.test_client())
    marketer.login(email)
    assert marketer.post("/console/journey/steps", step_form()).status_code == 302
    with rt.db.session() as s:
        (step,) = journey.steps(s)
        step_id = step.id
    assert marketer.post(f"/console/journey/steps/{step_id}/test").status_code == 302
    run_due(app, clock.now())
    texts = [d["message"].get("text", "") for d in line.delivered(staff_user)]
    assert any("SAMPLE000000" in t and "新會員券" in t for t in texts), texts
    with rt.db.session() as s:
        assert s.scalar(select(Coupon.id).where(Coupon.kind == "campaign")) is None


def test_a_refused_coupon_keeps_what_was_typed_with_the_broadcasts_messages(app, login_as):
    marketer = login_as("marketer")
    response = marketer.post("/console/journey/steps", step_form(coupon_value="0", coupon_days="999", delay_days="-1"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    problems = page.split('id="problems"')[1].split("</div>")[0]
    assert "優惠券折抵金額須為 1–100,000" in problems and "value (NT$) is 1–100,000" in problems
    assert "優惠券有效天數" in problems and "天數須為 0–365" in problems and "whole number, 0–365" in problems
    assert "coupon_value" not in problems and "delay_days" not in problems
    new = page.split('id="new-step"')[1]
    assert 'name="coupon_days" min="1" max="365" value="999"' in new and 'value="新會員券"' in new
    assert 'value="-1"' in new and "{name}，歡迎！送您一張券" in new
    with app.extensions["bot"].db.session() as s:
        assert journey.steps(s) == []


def test_a_step_edited_to_drop_its_coupon_gives_none(app, login_as, clock):
    rt = app.extensions["bot"]
    marketer = login_as("marketer")
    marketer.post("/console/journey/steps", step_form())
    with rt.db.session() as s:
        step_id = journey.steps(s)[0].id
    edited = step_form(coupon_value="", coupon_title_zh="", coupon_title_en="", coupon_limit="")
    assert marketer.post(f"/console/journey/steps/{step_id}", edited).status_code == 302
    with rt.db.session() as s:
        assert s.get(journey.JourneyStep, step_id).coupon is None
        add_member(s, clock.now() + timedelta(minutes=1))
    clock.advance(timedelta(minutes=5))
    run_due(app, clock.now())
    with rt.db.session() as s:
        assert s.scalar(select(Coupon.id).where(Coupon.kind == "campaign")) is None
        assert s.scalar(select(Outbox.id).where(Outbox.kind == "journey")) is not None


def test_the_win_back_wait_is_set_in_the_console_and_moves_who_is_due(app, login_as, line, clock):
    rt = app.extensions["bot"]
    marketer = login_as("marketer")
    start = clock.now()
    page = marketer.get("/console/journey?j=win_back").get_data(as_text=True)
    assert 'name="win_back_days"' in page and 'value="90"' in page
    for bad, zh in (("3", "7–730"), ("abc", "7–730"), ("731", "7–730")):
        refused = marketer.post("/console/journey/win-back", {"win_back_days": bad})
        text = refused.get_data(as_text=True)
        assert refused.status_code == 400
        problems = text.split('id="problems"')[1].split("</div>")[0]
        assert "沒有消費的天數須為 " + zh in problems and "The days without a purchase are a whole number, 7–730" in problems
        assert f'value="{bad}"' in text.split('id="win-back-wait"')[1]
    with rt.db.session() as s:
        assert journey.win_back_days(s) == 90
    assert marketer.post("/console/journey/steps", {"journey": "win_back", "delay_days": "0", "kind": "text",
                                                    "text_zh": "好久不見，回來坐坐", "text_en": "We miss you"}).status_code == 302
    saved = marketer.post("/console/journey/win-back", {"win_back_days": "30"})
    assert saved.status_code == 302
    page = marketer.get("/console/journey?j=win_back").get_data(as_text=True)
    assert "Win-back (30 days after the last order)" in page and 'value="30"' in page.split('id="win-back-wait"')[1]
    with rt.db.session() as s:
        assert journey.win_back_days(s) == 30
        member = add_member(s, start - timedelta(days=100), name="久違")
        user = member.line_user_id
        add_order(s, member, 500, start + timedelta(hours=1))  # after the step was set up
    clock.set(start + timedelta(days=20, hours=2))
    run_due(app, clock.now())
    assert not any("好久不見" in str(d["message"]) for d in line.delivered(user))  # 20 days: not yet
    clock.set(start + timedelta(days=30, hours=2))
    run_due(app, clock.now())
    assert any("好久不見" in str(d["message"]) for d in line.delivered(user))  # 30 days, not 90
    with rt.db.session() as s:
        assert s.scalar(select(Member.id).where(Member.line_user_id == user)) is not None
