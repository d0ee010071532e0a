"""SHOPLINE's signed webhooks (`?sign=` over the timestamp and the sorted JSON body), end to end, and
its catch-up sweep against a fake SHOPLINE Open API in a process of its own."""
from __future__ import annotations

import copy
from datetime import timedelta

import pytest
import requests
from sqlalchemy import func, select

from rewards.models import Order
from rewards.shops.models import ShopDelivery, ShopOrder, ShopSweep
from rewards.shops.shopline import canonical

from .conftest import balance, fake_platform, golden, rows


def test_the_signed_payload_is_written_as_javascript_writes_it():
    assert canonical({"b": 1, "a": {"d": 1280.0, "c": "王"}, "e": [0.5, None, True]}) == \
        '{"a":{"c":"王","d":1280},"b":1,"e":[0.5,null,true]}'


def test_a_completed_order_is_credited_once_and_its_customer_linked(rt, shopline, make_member):
    member = make_member()
    event = shopline.order(member_code=member.code)
    assert shopline.send(event).status_code == 200
    assert shopline.send(event).status_code == 200  # resent: the same bytes
    shopline.send(shopline.order(member_code=member.code), timestamp="1607849999")  # resent later, new timestamp
    assert balance(rt, member) == 12  # NT$1,280 less NT$80 delivery
    with rt.db.session() as s:
        assert s.scalar(select(Order.external_id)) == "shopline:main:5f1a2b3c4d5e6f0012345678"
        assert s.scalar(select(ShopOrder.matched_by)) == "code"


def test_what_was_paid_with_points_earns_nothing(rt, shopline, make_member):
    member = make_member()
    shopline.send(shopline.order(total=1280, shipping=80, points=500, member_code=member.code))
    assert balance(rt, member) == 7  # NT$1,280 − 80 − 500 = NT$700


def test_a_return_takes_back_its_share_once_and_a_cancel_the_rest(rt, shopline, make_member):
    member = make_member()
    shopline.send(shopline.order(total=2080, member_code=member.code))
    assert balance(rt, member) == 20
    returned = golden("shopline_return_order.json")
    shopline.send(returned)
    again = copy.deepcopy(returned)
    again["topic"] = "return_order/update"
    shopline.send(again)
    assert balance(rt, member) == 14  # NT$1,400 left
    shopline.send(shopline.order(total=2080, member_code=member.code, status="cancelled", topic="order/cancel"))
    assert balance(rt, member) == 0


def test_a_verified_phone_finds_the_member(rt, shopline, make_member):
    member = make_member(verified_phone="+886912345678")
    shopline.send(shopline.order(phone="0912345678"))
    assert balance(rt, member) == 12


def test_a_wrong_or_missing_sign_is_401_and_nothing_is_recorded(rt, shopline):
    assert shopline.send(shopline.order(), secret="wrong").status_code == 401
    assert shopline.send(shopline.order(), sign="").status_code == 401
    assert shopline.send(shopline.order(), timestamp="").status_code == 401
    assert rows(rt, select(func.count()).select_from(ShopDelivery)) == [(0,)]


def test_a_body_that_is_not_json_cannot_be_authenticated(rt, shopline):
    assert shopline.send(None, body=b"{oops", sign="00").status_code == 401


def test_an_unknown_topic_is_answered_and_ignored(rt, shopline):
    assert shopline.send({"topic": "product/update", "resource": {"id": "1"}}).status_code == 200
    assert rows(rt, select(ShopDelivery.status)) == [("ignored",)]


def test_a_missing_field_is_recorded_failed_with_its_reason(rt, shopline):
    event = shopline.order()
    del event["resource"]["total"]
    assert shopline.send(event).status_code == 200
    assert rows(rt, select(ShopDelivery.status, ShopDelivery.error)) == [("failed", "total is missing")]


TOKEN = "shopline-access-token"


@pytest.fixture(scope="module")
def fake_shopline():
    with fake_platform("shopline", TOKEN) as url:
        yield url


@pytest.fixture
def shop_settings(fake_shopline):
    return {"SHOPLINE_API_URL": fake_shopline, "SHOPLINE_ACCESS_TOKEN": TOKEN}


def test_the_sweep_credits_what_the_webhooks_missed_once(app, rt, shopline, make_member, fake_shopline, clock):
    member = make_member()
    orders = [shopline.order(order_id=f"order-{i:03d}", member_code=member.code)["resource"] for i in range(60)]
    orders.append(shopline.order(order_id="order-pending", status="pending", member_code=member.code)["resource"])
    for order in orders:
        order.pop("updated_at")  # the fake platform stamps them now
    assert requests.post(f"{fake_shopline}/__sim/orders", json=orders, timeout=5).status_code == 200
    shopline.send(shopline.order(order_id="order-000", member_code=member.code))  # one came by webhook too
    from worker.sweeps import shopline_catch_up
    with app.app_context():
        summary = shopline_catch_up.run(rt, clock.now())
        assert summary.startswith("read 61 orders"), summary
        with rt.db.session() as s:
            assert s.scalar(select(func.count()).select_from(Order)) == 60
            earned = s.scalar(select(func.sum(Order.points_earned)))
            assert s.get(ShopSweep, "shopline").last_error is None
        clock.advance(timedelta(minutes=10))
        shopline_catch_up.run(rt, clock.now())
    assert balance(rt, member) == earned
