"""NUL and other control characters, out-of-range numbers and dates: clear 400/422, never a 500,
at every entry point (API, console pages and forms, the QR link); a bad value already stored never
takes a page down."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from rewards.models import Member


@pytest.fixture
def member_code(app):
    from rewards import membership

    rt = app.extensions["bot"]
    with rt.db.session() as s:
        m = membership.get_or_create(s, "U" + "e" * 32, rt.clock.now())
        membership.join(s, m, rt.clock.now(), "王小明")
        return m.member_code


def _order(code, now, **change):
    body = {"channel": "store", "order_id": "ODD-1", "member_code": code, "amount": 1000,
            "placed_at": now.isoformat(), "store_id": "S1"}
    body.update(change)
    return body


@pytest.mark.parametrize("path", ["/api/v1/members/M%00X", "/api/v1/members?line_user_id=U%00",
                                  "/api/v1/members?phone=09%0012", "/api/v1/metrics?month=2026-1%00"])
def test_nul_in_an_api_address_is_400_json(client, api_key, path):
    response = client.get(path, headers=api_key)
    assert response.status_code == 400 and response.json["error"]["code"] == "bad_request"


@pytest.mark.parametrize("change, field", [({"store_id": "s\x001"}, "store_id"), ({"order_id": "A\x00"}, "order_id"),
                                           ({"items": [{"sku": "A", "name": "x\x00", "quantity": 1, "price": 1}]},
                                            "items[0].name")])
def test_nul_in_an_order_is_422_naming_the_field(app, client, api_key, member_code, change, field):
    now = app.extensions["bot"].clock.now()
    response = client.post("/api/v1/orders", json=_order(member_code, now, **change), headers=api_key)
    assert response.status_code == 422 and field in response.json["error"]["fields"]


def test_nul_in_refunds_and_redemptions_is_refused(client, api_key):
    assert client.post("/api/v1/orders/store/X%00/refunds", json={"refund_id": "r", "amount": 1},
                       headers=api_key).status_code == 400
    assert client.post("/api/v1/orders/store/X/refunds", json={"refund_id": "r\x00", "amount": 1},
                       headers=api_key).status_code == 422
    assert client.post("/api/v1/coupons/C%00/redeem", json={"channel": "store"}, headers=api_key).status_code == 400
    assert client.post("/api/v1/coupons/C/redeem", json={"channel": "store", "store_id": "\x00"},
                       headers=api_key).status_code == 422


@pytest.mark.parametrize("placed", ["9999-12-31T23:00:00+00:00", "0001-01-01T00:00:00-08:00",
                                    "9999-12-31T23:59:59-08:00"])
def test_order_times_outside_the_window_are_422(app, client, api_key, member_code, placed):
    now = app.extensions["bot"].clock.now()
    response = client.post("/api/v1/orders", json=_order(member_code, now, placed_at=placed), headers=api_key)
    assert response.status_code == 422 and "placed_at" in response.json["error"]["fields"]


def test_the_window_is_configurable_and_a_few_minutes_ahead_is_fine(app, client, api_key, member_code):
    rt = app.extensions["bot"]
    now = rt.clock.now()
    ok = client.post("/api/v1/orders", json=_order(member_code, now + timedelta(minutes=5)), headers=api_key)
    assert ok.status_code == 201
    late = _order(member_code, now + timedelta(minutes=30), order_id="ODD-2")
    assert client.post("/api/v1/orders", json=late, headers=api_key).status_code == 422
    old = _order(member_code, now - timedelta(days=rt.settings.order_history_days - 1), order_id="ODD-3")
    assert client.post("/api/v1/orders", json=old, headers=api_key).status_code == 201
    older = _order(member_code, now - timedelta(days=rt.settings.order_history_days + 1), order_id="ODD-4")
    assert client.post("/api/v1/orders", json=older, headers=api_key).status_code == 422


def test_refunds_take_the_channel_in_any_case(app, client, api_key, member_code):
    now = app.extensions["bot"].clock.now()
    assert client.post("/api/v1/orders", json=_order(member_code, now, channel="STORE"), headers=api_key).status_code == 201
    response = client.post("/api/v1/orders/STORE/ODD-1/refunds", json={"refund_id": "R1", "amount": 100},
                           headers=api_key)
    assert response.status_code == 201 and response.json["channel"] == "store"


@pytest.mark.parametrize("path", ["/console/members?q=%00", "/console/?month=0000-01", "/console/?month=9999-13",
                                  "/console/segments/count?orders_min=1e23",
                                  "/console/segments/count?orders_min=100000000000000000000000",
                                  "/console/segments/count?joined_to=9999-12-31",
                                  "/console/segments/count?tags=a%00b"])
def test_odd_console_queries_are_400_not_500(login_as, path):
    admin = login_as("admin")
    response = admin.get(path)
    assert response.status_code in (200, 400), (path, response.status_code)
    assert response.status_code == 400 or "error" in response.get_data(as_text=True).lower()


def test_metrics_api_refuses_year_zero(client, api_key):
    response = client.get("/api/v1/metrics?month=0000-01", headers=api_key)
    assert response.status_code == 400 and response.json["error"]["fields"]["month"]


def test_a_next_with_a_line_break_is_refused(client):
    assert client.get("/console/login?next=/console/%0d%0aSet-Cookie:x=1").status_code == 400


def test_a_huge_reward_cost_is_a_form_problem(login_as):
    admin = login_as("admin")
    response = admin.post("/console/rewards", {"name_zh": "杯子", "name_en": "Cup", "cost": "99999999999999",
                                               "coupon_value": "0", "stock": ""})
    assert response.status_code in (200, 400, 422)
    assert "cost" in response.get_data(as_text=True)


def test_a_tag_with_nul_is_refused_and_one_already_stored_breaks_nothing(app, login_as, member_code):
    admin = login_as("admin")
    response = admin.post(f"/console/members/{member_code}/tags", {"tags": "vip,a\x00b"})
    assert response.status_code == 400
    rt = app.extensions["bot"]
    with rt.db.session() as s:  # as if stored before tags were checked
        s.execute(update(Member).values(tags=["vip", "bad\x01tag"]))
    assert admin.get("/console/segments/new").status_code == 200
    assert admin.get("/console/segments/count?tags=vip").status_code == 200
    assert admin.get(f"/console/members/{member_code}").status_code == 200


def test_a_qr_link_with_a_non_ascii_digit_is_refused(client, member_code):
    assert client.get(f"/qr/{member_code}.png?exp=%C2%B2&sig=x").status_code == 403


def test_a_segment_stored_with_a_bad_value_takes_no_page_down(app, login_as):
    from insights.models import Segment

    rt = app.extensions["bot"]
    now = rt.clock.now()
    with rt.db.session() as s:
        bad = Segment(name="old", definition={"tags": ["a\x00b"], "orders_min": 10**30}, created_by="x",
                      created_at=now, updated_at=now)
        s.add(bad)
        s.flush()
        bad_id = bad.id
    admin = login_as("admin")
    assert admin.get("/console/segments").status_code == 200
    assert admin.get(f"/console/segments/{bad_id}").status_code == 200
    assert admin.get(f"/console/segments/{bad_id}/members.csv").status_code == 400
