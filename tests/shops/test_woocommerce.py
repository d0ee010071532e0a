"""WooCommerce's signed order webhooks, and its catch-up sweep against a fake WooCommerce REST API
running in a process of its own (simulator/shops.py)."""
from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from sqlalchemy import func, select

from rewards.models import Order
from rewards.shops.models import ShopDelivery, ShopOrder, ShopSweep

from .conftest import balance, fake_platform, rows


def test_the_ping_sent_when_a_webhook_is_saved_gets_200_and_records_nothing(rt, client):
    answer = client.post("/webhooks/woocommerce", data=b"webhook_id=12",
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 200
    assert rows(rt, select(func.count()).select_from(ShopDelivery)) == [(0,)]


def test_an_order_is_credited_when_it_reaches_the_paid_status_once(rt, woo, make_member):
    member = make_member()
    assert woo.send("order.created", woo.order(status="pending", member_code=member.code)).status_code == 200
    assert balance(rt, member) == 0
    assert woo.send("order.updated", woo.order(status="processing", member_code=member.code)).status_code == 200
    assert balance(rt, member) == 0  # "completed" is paid by default
    woo.send("order.updated", woo.order(status="completed", member_code=member.code))
    woo.send("order.updated", woo.order(status="completed", member_code=member.code))
    assert balance(rt, member) == 12
    with rt.db.session() as s:
        # the shop is the site the sweep reads (WOOCOMMERCE_URL), so webhook and sweep name the order alike
        site = rt.config.WOOCOMMERCE_URL.removeprefix("http://")
        assert s.scalar(select(Order.external_id)) == f"woocommerce:{site}:727"


@pytest.mark.parametrize("shop_settings", [{"WOOCOMMERCE_PAID_STATUS": "processing"}])
def test_the_paid_status_is_a_setting(rt, woo, make_member):
    member = make_member()
    woo.send("order.updated", woo.order(status="processing", member_code=member.code))
    assert balance(rt, member) == 12


def test_refunds_in_the_order_are_taken_back_once_each_and_deletion_takes_the_rest(rt, woo, make_member):
    member = make_member()
    woo.send("order.updated", woo.order(total="3080.00", member_code=member.code))
    assert balance(rt, member) == 30
    refunded = woo.order(total="3080.00", member_code=member.code, refunds=[{"id": 801, "reason": "", "total": "-1000.00"}])
    woo.send("order.updated", refunded)
    woo.send("order.updated", refunded)
    assert balance(rt, member) == 20
    woo.send("order.deleted", {"id": 727})
    assert balance(rt, member) == 0


def test_a_guest_order_is_matched_by_a_verified_phone(rt, woo, make_member):
    member = make_member(verified_phone="+886912345678")
    woo.send("order.updated", woo.order(phone="0912 345 678", customer_id=0))
    assert balance(rt, member) == 12
    assert rows(rt, select(ShopOrder.matched_by)) == [("phone",)]


def test_a_wrong_signature_is_401(rt, woo):
    assert woo.send("order.updated", woo.order(), secret="wrong").status_code == 401
    assert woo.send("order.updated", woo.order(), signature="").status_code == 401
    assert rows(rt, select(func.count()).select_from(ShopDelivery)) == [(0,)]


def test_a_malformed_body_is_recorded_failed_and_answered_200(rt, woo):
    assert woo.send("order.updated", None, body=b"{not json").status_code == 200
    [(status, error)] = rows(rt, select(ShopDelivery.status, ShopDelivery.error))
    assert status == "failed" and "not JSON" in error


# -- the catch-up sweep ---------------------------------------------------------------------------

KEY, SECRET = "ck_test_key", "cs_test_secret"


@pytest.fixture(scope="module")
def fake_woocommerce():
    """WooCommerce's REST API in a process of its own."""
    with fake_platform("woocommerce", KEY, SECRET) as url:
        yield url


@pytest.fixture
def shop_settings(fake_woocommerce):
    return {"WOOCOMMERCE_URL": fake_woocommerce, "WOOCOMMERCE_CONSUMER_KEY": KEY, "WOOCOMMERCE_CONSUMER_SECRET": SECRET}


def sweep(app, rt, now):
    from worker.sweeps import woocommerce_catch_up
    with app.app_context():
        return woocommerce_catch_up.run(rt, now)


def test_the_sweep_credits_what_the_webhooks_missed_once(app, rt, woo, make_member, fake_woocommerce, clock):
    member = make_member()
    orders = [woo.order(order_id=9000 + i, member_code=member.code) for i in range(150)]  # two pages of 100
    orders.append(woo.order(order_id=9999, status="pending", member_code=member.code))
    assert requests.post(f"{fake_woocommerce}/__sim/orders", json=orders, timeout=5).status_code == 200
    # one of them came by webhook too
    woo.send("order.updated", orders[0])
    summary = sweep(app, rt, clock.now())
    assert summary.startswith("read 151 orders")
    with rt.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Order)) == 150
        earned = s.scalar(select(func.sum(Order.points_earned)))  # (the tier rose on the way)
        assert balance(rt, member) == earned >= 150 * 12
        state = s.get(ShopSweep, "woocommerce")
        assert state.last_error is None and state.modified_after is not None
    # run again: the listing from where it got to, nothing credited twice
    clock.advance(timedelta(minutes=10))
    sweep(app, rt, clock.now())
    assert balance(rt, member) == earned
    asked = requests.get(f"{fake_woocommerce}/__sim/requests", timeout=5).json()
    assert {"modified_after", "dates_are_gmt", "per_page", "page"} <= set(asked[-1]["query"])


@pytest.mark.parametrize("shop_settings", [{"WOOCOMMERCE_URL": "http://127.0.0.1:9", "WOOCOMMERCE_CONSUMER_KEY": KEY,
                                            "WOOCOMMERCE_CONSUMER_SECRET": SECRET}])
def test_a_sweep_that_cannot_reach_the_shop_says_why(app, rt, clock):
    assert "could not be reached" in sweep(app, rt, clock.now())
    with rt.db.session() as s:
        assert "could not be reached" in s.get(ShopSweep, "woocommerce").last_error


def test_a_wrong_key_is_recorded_as_the_sweeps_error(app, rt, clock, fake_woocommerce, monkeypatch):
    monkeypatch.setattr(rt.config, "WOOCOMMERCE_CONSUMER_SECRET", "wrong")
    assert "answered 401" in sweep(app, rt, clock.now())
