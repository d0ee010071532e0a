"""POST /api/v1/coupons/{code}/redeem: 200 once, then 409 saying when and where; 410 expired; 404 unknown."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from rewards.models import Coupon


def test_a_coupon_is_redeemed_once(api, auth, rt, make_member, make_coupon):
    member = make_member()
    code = make_coupon(member, value=100)
    reply = api.post(f"/api/v1/coupons/{code}/redeem", json={"channel": "store", "store_id": "S01",
                                                             "order_id": "POS-9"}, headers=auth)
    assert reply.status == 200
    assert reply.json == {"code": code, "title": "九折券", "value": 100, "member_code": member.code,
                          "redeemed_at": rt.clock.now().isoformat(), "channel": "store", "store_id": "S01",
                          "order_id": "POS-9"}
    with rt.db.session() as s:
        coupon = s.scalar(select(Coupon).where(Coupon.code == code))
        assert (coupon.redeemed_channel, coupon.redeemed_store_id, coupon.redeemed_order_id) == ("store", "S01", "POS-9")


def test_a_second_redeem_is_409_saying_when_and_where(api, auth, make_member, make_coupon):
    code = make_coupon(make_member())
    first = api.post(f"/api/v1/coupons/{code}/redeem", json={"channel": "store", "store_id": "S01"}, headers=auth)
    reply = api.post(f"/api/v1/coupons/{code}/redeem", json={"channel": "online"}, headers=auth)
    assert reply.status == 409
    error = reply.json["error"]
    assert error["code"] == "coupon_already_redeemed"
    # the store's time with its offset, as the 200 said it (a Taipei cashier reads the right day)
    assert error["fields"]["where"] == "store S01" and error["fields"]["redeemed_at"] == "2026-11-20T14:00:00+08:00"
    assert first.json["redeemed_at"] == error["fields"]["redeemed_at"]
    assert "store S01" in error["message"]


def test_a_code_as_a_person_types_it(api, auth, make_member, make_coupon):
    code = make_coupon(make_member())
    typed = f"{code[:4].lower()}-{code[4:8]} {code[8:]}"
    assert api.post(f"/api/v1/coupons/{typed}/redeem", json={"channel": "store"}, headers=auth).status == 200


def test_an_expired_coupon_is_410(api, auth, make_member, make_coupon):
    code = make_coupon(make_member(), valid_for=timedelta(seconds=-1), valid_from=timedelta(days=-30))
    reply = api.post(f"/api/v1/coupons/{code}/redeem", json={"channel": "store"}, headers=auth)
    assert reply.status == 410 and reply.json["error"]["code"] == "coupon_expired"
    assert "valid_until" in reply.json["error"]["fields"]


def test_a_coupon_not_valid_yet_is_422(api, auth, make_member, make_coupon):
    code = make_coupon(make_member(), valid_from=timedelta(days=1))
    reply = api.post(f"/api/v1/coupons/{code}/redeem", json={"channel": "store"}, headers=auth)
    assert reply.status == 422 and reply.json["error"]["code"] == "coupon_not_yet_valid"


@pytest.mark.parametrize("code", ["NOSUCHCODE99", "X" * 200, "----"])
def test_an_unknown_coupon_is_404(api, auth, code):
    reply = api.post(f"/api/v1/coupons/{code}/redeem", json={"channel": "store"}, headers=auth)
    assert reply.status == 404 and reply.json["error"]["code"] == "coupon_not_found"


@pytest.mark.parametrize("body,field", [
    ({}, "channel"), ({"channel": "moon"}, "channel"), ({"channel": 3}, "channel"),
    ({"channel": "store", "store_id": 5}, "store_id"), ({"channel": "store", "store_id": "S" * 33}, "store_id"),
    ({"channel": "store", "order_id": ["x"]}, "order_id"),
    # one line, as an order's store_id and order_id are (these were stored with their line breaks)
    ({"channel": "store", "store_id": "S01\n"}, "store_id"), ({"channel": "store", "order_id": "A\r\nB"}, "order_id"),
])
def test_bad_redeem_fields_are_422_and_redeem_nothing(api, auth, rt, make_member, make_coupon, body, field):
    code = make_coupon(make_member())
    reply = api.post(f"/api/v1/coupons/{code}/redeem", json=body, headers=auth)
    assert reply.status == 422 and field in reply.json["error"]["fields"]
    with rt.db.session() as s:
        assert s.scalar(select(Coupon.redeemed_at).where(Coupon.code == code)) is None


@pytest.mark.parametrize("raw", [b"", b"{", b"[1]"])
def test_unreadable_redeem_bodies_are_400(api, auth, make_member, make_coupon, raw):
    code = make_coupon(make_member())
    assert api.post(f"/api/v1/coupons/{code}/redeem", data=raw, headers=auth).status == 400
