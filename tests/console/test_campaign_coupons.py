"""Campaign coupons: a broadcast carries a coupon (value, expiry, limit); each recipient gets a code of
their own in the message (checked against LINE's spec by the simulator), the hold-out gets none, the
limit caps how many are given, the till redeems a code once through the API, and the results report
them. A journey step can give the same coupon through campaign_coupons.issue_for."""
from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from api.keys import create_key
from insights.models import Segment
from messaging import campaign_coupons
from rewards.models import Coupon, Member, Outbox
from worker.runner import run_due

from .people import add_member


@pytest.fixture
def eight(app, clock):
    rt = app.extensions["bot"]
    now = clock.now()
    with rt.db.session() as s:
        people = [add_member(s, now - timedelta(days=30), name=f"c{k}", tags=["cp"],
                             language="en" if k == 0 else "zh-TW") for k in range(8)]
        s.add(Segment(name="CP", definition={"tags": ["cp"]}, created_by="t", created_at=now, updated_at=now))
        s.flush()
        return [(m.id, m.line_user_id) for m in people], s.scalar(select(Segment.id))


def coupon_form(segment_id, **extra):
    return {"name": "週末券", "segment_id": str(segment_id), "message_type": "text", "text_zh": "{name}，送您一張券",
            "text_en": "{name}, a coupon for you", "holdout_pct": "25", "coupon_value": "100", "coupon_days": "14",
            "coupon_limit": "5", "coupon_title_zh": "週末折價券", "coupon_title_en": "Weekend coupon"} | extra


def test_each_recipient_gets_a_code_of_their_own_redeemable_at_the_till(app, login_as, eight, line, clock):
    people, segment_id = eight
    marketer = login_as("marketer")
    response = marketer.post("/console/broadcasts", coupon_form(segment_id))
    assert response.status_code == 302, response.get_data(as_text=True)[:600]
    bid = int(re.search(r"/broadcasts/(\d+)", response.headers["Location"]).group(1))
    preview = marketer.get(f"/console/broadcasts/{bid}").get_data(as_text=True)
    assert "週末折價券" in preview and "SAMPLE000000" in preview and "NT$100" in preview
    marketer.post(f"/console/broadcasts/{bid}", {"what": "send_now"})
    run_due(app, clock.now())
    rt = app.extensions["bot"]
    with rt.db.session() as s:
        given = s.scalars(select(Coupon).where(Coupon.kind == "campaign")).all()
        assert len(given) == 5  # 6 recipients (2 of 8 held out), at most 5 coupons
        held = {r.member_id for r in s.scalars(select(Outbox).where(Outbox.campaign_id == bid,
                                                                    Outbox.skip_reason == "holdout"))}
        assert len(held) == 2 and not held & {c.member_id for c in given}
        assert all(c.value == 100 and c.valid_until - c.valid_from == timedelta(days=14) for c in given)
        codes = {s.get(Member, c.member_id).line_user_id: c.code for c in given}
    assert len(set(codes.values())) == 5
    for user, code in codes.items():
        texts = [d["message"].get("text", "") for d in line.delivered(user)]
        assert any(code in t for t in texts), texts
    without = [u for _, u in people if u not in codes and line.delivered(u)]
    assert len(without) == 1 and not any("SAMPLE" in str(d) or "Code" in str(d) for d in line.delivered(without[0]))

    with rt.db.session() as s:
        _row, key = create_key(s, f"pos-{uuid.uuid4().hex[:8]}", clock.now())
    client = app.test_client()
    code = next(iter(codes.values()))
    headers = {"Authorization": "Bearer " + key}
    first = client.post(f"/api/v1/coupons/{code}/redeem", json={"channel": "store", "store_id": "S01"}, headers=headers)
    assert first.status_code == 200 and first.get_json()["value"] == 100
    again = client.post(f"/api/v1/coupons/{code}/redeem", json={"channel": "store"}, headers=headers)
    assert again.status_code == 409
    page = marketer.get(f"/console/broadcasts/{bid}").get_data(as_text=True)
    assert ">5<" in page.split('id="coupons-issued"')[1][:40]
    assert page.split('id="coupons-redeemed"')[1][:40].startswith(">1")
    assert "NT$100" in page.split('id="coupons-value"')[1][:60]


def test_a_refused_coupon_keeps_what_was_typed(app, login_as, eight):
    _, segment_id = eight
    marketer = login_as("marketer")
    response = marketer.post("/console/broadcasts", coupon_form(segment_id, coupon_value="0", coupon_days="999"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    problems = page.split('id="problems"')[1].split("</div>")[0]
    assert "折抵金額" in problems and "value (NT$)" in problems and "coupon_value" not in problems
    assert 'name="coupon_days" min="1" max="365" value="999"' in page and 'value="週末折價券"' in page


def test_a_journey_step_can_give_the_same_coupon(app, eight, clock):
    people, _ = eight
    rt = app.extensions["bot"]
    spec = campaign_coupons.check("50", "7", "1", "歡迎券", "Welcome coupon")
    with rt.db.session() as s:
        first = campaign_coupons.issue_for(s, s.get(Member, people[0][0]), "journey-welcome-3", spec, clock.now())
        again = campaign_coupons.issue_for(s, s.get(Member, people[0][0]), "journey-welcome-3", spec, clock.now())
        over = campaign_coupons.issue_for(s, s.get(Member, people[1][0]), "journey-welcome-3", spec, clock.now())
        assert first is not None and first.value == 50 and again is None and over is None  # once each; limit 1
        assert campaign_coupons.report(s, "journey-welcome-3").issued == 1
