"""Shopify's signed order webhooks, end to end through the app: recorded, answered, processed
(INBOX_MODE=sync: recorded and processed in one unit of work, inside the request), credited once."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from rewards.models import MemberLink, Order, Outbox, Refund
from rewards.shops.models import ShopDelivery, ShopOrder

from .conftest import SHOP_DOMAIN, balance, rows

ORDER_ID = 820982911946154508
CUSTOMER = "115310627314723954"


def test_a_paid_order_is_credited_once_through_the_orders_path(rt, shopify, make_member):
    member = make_member()
    answer = shopify.send("orders/paid", shopify.order(member_code=member.code.lower()))
    assert answer.status_code == 200
    # NT$1,280 paid, NT$80 of it shipping: NT$1,200 earns 12 points at ×1.0
    assert balance(rt, member) == 12
    with rt.db.session() as s:
        order = s.scalar(select(Order))
        assert (order.channel, order.external_id, order.store_id, order.amount) == (
            "online", f"shopify:{SHOP_DOMAIN}:{ORDER_ID}", "shopify", 1200)
        receipt = s.scalar(select(Outbox).where(Outbox.kind == "receipt"))
        assert receipt.params["store_en"] == "Shopify" and receipt.params["points"] == 12
        # the member code linked Shopify's customer id to the member
        link = s.scalar(select(MemberLink))
        assert (link.member_id, link.platform, link.customer_id) == (member.id, "shopify", CUSTOMER)
        row = s.scalar(select(ShopOrder))
        assert (row.status, row.matched_by, row.order_id, row.contact) == ("credited", "code", order.id, None)
        delivery = s.scalar(select(ShopDelivery))
        assert (delivery.status, delivery.outcome, delivery.payload) == ("done", "credited", None)


def test_the_same_webhook_id_again_has_no_effect_and_a_new_delivery_of_the_order_neither(rt, shopify, make_member):
    member = make_member()
    order = shopify.order(member_code=member.code)
    assert shopify.send("orders/paid", order, webhook_id="wh-1").status_code == 200
    assert shopify.send("orders/paid", order, webhook_id="wh-1").status_code == 200
    assert shopify.send("orders/paid", order, webhook_id="wh-2").status_code == 200  # Shopify sent it again
    assert balance(rt, member) == 12
    assert rows(rt, select(func.count()).select_from(ShopDelivery))[0][0] == 2
    assert rows(rt, select(ShopDelivery.outcome).order_by(ShopDelivery.id)) == [("credited",), ("duplicate",)]


def test_a_thousand_identical_deliveries_credit_once(rt, shopify, make_member):
    member = make_member()
    order = shopify.order(member_code=member.code)
    body = json.dumps(order).encode()
    codes = {shopify.send("orders/paid", None, webhook_id="same-id", body=body).status_code for _ in range(1000)}
    assert codes == {200}
    assert balance(rt, member) == 12
    assert rows(rt, select(func.count()).select_from(Order))[0][0] == 1
    assert rows(rt, select(func.count()).select_from(ShopDelivery))[0][0] == 1


def test_partial_then_whole_refund_take_back_in_proportion_once_per_refund_id(rt, shopify, make_member):
    member = make_member()
    shopify.send("orders/paid", shopify.order(total="2080.00", member_code=member.code))  # NT$2,000: 20 points
    assert balance(rt, member) == 20
    partial = shopify.refund(ORDER_ID, 1, "500.00")
    assert shopify.send("refunds/create", partial).status_code == 200
    assert shopify.send("refunds/create", partial).status_code == 200  # a new delivery of the same refund
    assert balance(rt, member) == 15  # NT$1,500 left earns 15
    shopify.send("refunds/create", shopify.refund(ORDER_ID, 2, "1500.00"))
    assert balance(rt, member) == 0
    with rt.db.session() as s:
        order = s.scalar(select(Order))
        assert (order.status, order.net_amount) == ("refunded", 0)
        assert s.scalar(select(func.count()).select_from(Refund)) == 2


def test_a_refund_larger_than_what_is_left_takes_what_is_left(rt, shopify, make_member):
    member = make_member()
    shopify.send("orders/paid", shopify.order(total="1080.00", member_code=member.code))
    shopify.send("refunds/create", shopify.refund(ORDER_ID, 1, "1080.00"))  # the goods were NT$1,000
    assert balance(rt, member) == 0


def test_a_cancellation_takes_back_what_is_left(rt, shopify, make_member):
    member = make_member()
    shopify.send("orders/paid", shopify.order(total="3080.00", member_code=member.code))
    shopify.send("refunds/create", shopify.refund(ORDER_ID, 1, "1000.00"))
    assert balance(rt, member) == 20
    cancelled = shopify.order(total="3080.00", member_code=member.code)
    assert shopify.send("orders/cancelled", cancelled).status_code == 200
    assert shopify.send("orders/cancelled", cancelled).status_code == 200
    assert balance(rt, member) == 0
    with rt.db.session() as s:
        assert s.scalar(select(Order.net_amount)) == 0


def test_an_order_of_nobody_waits_and_is_credited_when_its_customer_is_linked(rt, app, shopify, make_member, clock):
    member = make_member()
    shopify.send("orders/paid", shopify.order())
    with rt.db.session() as s:
        row = s.scalar(select(ShopOrder))
        assert (row.status, row.customer_id, row.amount) == ("waiting", CUSTOMER, 1200)
    assert balance(rt, member) == 0
    # the member links their Shopify account (LINE's account link, rewards/account_links.py) days later
    clock.advance(timedelta(days=3))
    with rt.db.session() as s:
        s.add(MemberLink(member_id=member.id, platform="shopify", customer_id=CUSTOMER, linked_at=clock.now()))
    with app.app_context():
        from worker.sweeps import shop_order_claims
        assert "credited 1" in shop_order_claims.run(rt, clock.now())
        assert "credited 0" in shop_order_claims.run(rt, clock.now())
    assert balance(rt, member) == 12
    # the next order matches by the link
    shopify.send("orders/paid", shopify.order(order_id=5, total="580.00"))
    assert balance(rt, member) == 17


def test_an_order_nobody_claims_in_time_expires(rt, app, shopify, make_member, clock):
    shopify.send("orders/paid", shopify.order())
    clock.advance(timedelta(days=31))
    member = make_member()
    with rt.db.session() as s:
        s.add(MemberLink(member_id=member.id, platform="shopify", customer_id=CUSTOMER, linked_at=clock.now()))
    with app.app_context():
        from worker.sweeps import shop_order_claims
        assert "1 expired" in shop_order_claims.run(rt, clock.now())
    assert balance(rt, member) == 0


def test_a_verified_phone_finds_the_member_and_links_the_customer(rt, shopify, make_member):
    member = make_member(verified_phone="+886912345678")
    shopify.send("orders/paid", shopify.order(phone="0912-345-678"))
    assert balance(rt, member) == 12
    with rt.db.session() as s:
        assert s.scalar(select(ShopOrder.matched_by)) == "phone"
        assert s.scalar(select(MemberLink.customer_id).where(MemberLink.member_id == member.id)) == CUSTOMER


def test_an_unverified_phone_finds_nobody(rt, shopify, make_member):
    member = make_member(phone="+886912345678")
    shopify.send("orders/paid", shopify.order(phone="+886 912 345 678"))
    assert balance(rt, member) == 0


def test_a_waiting_order_is_credited_when_a_member_verifies_its_phone_later(rt, shopify, make_member, clock):
    """The order waits in "online orders without a member" with the number in E.164; the member who
    proves that number within ORDER_CLAIM_DAYS gets it, once, and the customer is linked."""
    from rewards import phone_verification as pv
    from rewards.models import Member

    member = make_member()
    shopify.send("orders/paid", shopify.order(phone="0912-345-678"))
    assert rows(rt, select(ShopOrder.status, ShopOrder.phone)) == [("waiting", "+886912345678")]
    key = pv.code_key("test-secret")
    with rt.db.session(write=True) as s:
        who = s.get(Member, member.id)
        issued = pv.issue(s, who, "0912 345 678", clock.now(), pv.Policy(), key, code="123456")
        pv.mark_sent(s, issued.code_id, "test", None, clock.now())
        verified = pv.check(s, who, "123456", clock.now(), pv.Policy(), key, rt.settings, claim_days=30)
    assert verified.orders_credited == 1 and issued.phone.e164 == "+886912345678"
    assert balance(rt, member) == 12
    assert rows(rt, select(ShopOrder.status, ShopOrder.matched_by, ShopOrder.phone)) == [("credited", "phone", None)]
    assert rows(rt, select(MemberLink.member_id, MemberLink.customer_id)) == [(member.id, CUSTOMER)]
    shopify.send("orders/paid", shopify.order(phone="0912-345-678"))  # the same order again: nothing more
    assert balance(rt, member) == 12


def test_a_phone_verified_after_the_claim_window_claims_nothing(rt, shopify, make_member, clock):
    from rewards import phone_verification as pv
    from rewards.models import Member

    member = make_member()
    shopify.send("orders/paid", shopify.order(phone="0912-345-678"))
    later = clock.now() + timedelta(days=31)
    key = pv.code_key("test-secret")
    with rt.db.session(write=True) as s:
        who = s.get(Member, member.id)
        pv.mark_sent(s, pv.issue(s, who, "0912345678", later, pv.Policy(), key, code="654321").code_id, "test", None,
                     later)
        assert pv.check(s, who, "654321", later, pv.Policy(), key, rt.settings, claim_days=30).orders_credited == 0
    assert balance(rt, member) == 0


@pytest.mark.parametrize("signature", ["", "bm90IHRoZSBzaWduYXR1cmU=", None])
def test_a_wrong_or_missing_signature_is_401_and_nothing_is_recorded(rt, shopify, make_member, signature):
    member = make_member()
    order = shopify.order(member_code=member.code)
    answer = (shopify.send("orders/paid", order, secret="another-secret") if signature is None
              else shopify.send("orders/paid", order, signature=signature))
    assert answer.status_code == 401
    assert rows(rt, select(func.count()).select_from(ShopDelivery))[0][0] == 0
    from core import metrics
    assert metrics.shop_tallies("shopify")["refused"] >= 1


def test_another_shop_domain_is_refused(rt, shopify):
    assert shopify.send("orders/paid", shopify.order(), shop="someone-else.myshopify.com").status_code == 401


def test_an_unknown_topic_is_answered_and_ignored(rt, shopify):
    assert shopify.send("products/update", {"id": 1}).status_code == 200
    assert rows(rt, select(ShopDelivery.status, ShopDelivery.payload)) == [("ignored", None)]


@pytest.mark.parametrize("body, reason", [(b'{"id": 1,', "not JSON"), (b"[1, 2]", "not a JSON object"),
                                          (b'{"id": NaN}', "not JSON")])
def test_a_signed_body_that_is_not_json_is_recorded_as_failed_with_its_reason(rt, shopify, body, reason):
    assert shopify.send("orders/paid", None, body=body).status_code == 200  # keeps the webhook alive
    [(status, error, payload)] = rows(rt, select(ShopDelivery.status, ShopDelivery.error, ShopDelivery.payload))
    assert status == "failed" and reason in error
    assert payload == {"unreadable_body": body.decode()}  # what was sent is kept


def test_a_missing_field_is_recorded_as_failed_with_its_reason(rt, shopify):
    order = shopify.order()
    del order["total_price"], order["total_price_set"]
    assert shopify.send("orders/paid", order).status_code == 200
    [(status, error)] = rows(rt, select(ShopDelivery.status, ShopDelivery.error))
    assert (status, error) == ("failed", "total_price is missing")


def test_an_order_in_another_currency_is_skipped_with_a_reason(rt, shopify, make_member):
    member = make_member()
    shopify.send("orders/paid", shopify.order(member_code=member.code, total="403.00", shipping="10.00",
                                              currency="USD"))
    assert balance(rt, member) == 0
    [(status, reason)] = rows(rt, select(ShopOrder.status, ShopOrder.reason))
    assert status == "skipped" and "USD" in reason


@pytest.mark.parametrize("shop_settings", [{"SHOP_CURRENCY_RATES": "USD=32.5"}])
def test_an_order_in_another_currency_is_converted_at_the_set_rate(rt, shopify, make_member):
    member = make_member()
    shopify.send("orders/paid", shopify.order(member_code=member.code, total="403.00", shipping="10.00",
                                              currency="USD"))
    assert balance(rt, member) == 127  # (403 − 10) × 32.5 = NT$12,772.5 → 12,772 → 127 points


def test_a_body_over_the_cap_is_refused_before_it_is_read(rt, shopify):
    big = b'{"pad": "' + b"x" * (600 * 1024) + b'"}'
    assert shopify.send("orders/paid", None, body=big).status_code == 413
    assert rows(rt, select(func.count()).select_from(ShopDelivery))[0][0] == 0


def test_an_order_recorded_before_through_the_api_is_not_credited_again(rt, client, shopify, make_member, auth):
    member = make_member()
    answer = client.post("/api/v1/orders", headers=auth, json={
        "channel": "online", "order_id": f"shopify:{SHOP_DOMAIN}:{ORDER_ID}", "member_code": member.code,
        "amount": 1000, "placed_at": shopify.order()["created_at"]})
    assert answer.status_code == 201
    shopify.send("orders/paid", shopify.order(member_code=member.code))
    assert balance(rt, member) == 10
    assert rows(rt, select(ShopOrder.status, ShopOrder.matched_by)) == [("credited", "order")]


@pytest.mark.parametrize("shop_settings", [{"INBOX_MODE": "off"}])
def test_a_delivery_left_unprocessed_is_processed_by_the_worker_sweep(rt, app, shopify, make_member, clock):
    member = make_member()
    assert shopify.send("orders/paid", shopify.order(member_code=member.code)).status_code == 200
    assert balance(rt, member) == 0  # recorded and answered only
    assert rows(rt, select(ShopDelivery.status)) == [("pending",)]
    with app.app_context():
        from worker.sweeps import shop_deliveries
        clock.advance(timedelta(seconds=10))
        assert shop_deliveries.run(rt, clock.now()) == "processed 1 shop deliveries"
    assert balance(rt, member) == 12
    assert rows(rt, select(ShopDelivery.status, ShopDelivery.outcome)) == [("done", "credited")]


@pytest.mark.parametrize("shop_settings", [{"SHOP_CURRENCY_RATES": "USD=lots"}])
def test_a_malformed_rate_setting_stops_the_app_at_start(shop_settings, database_url, simulator_server, clock):
    from core.config import ConfigError

    from ..conftest import make_app
    from .conftest import SETTINGS
    with pytest.raises(ConfigError, match="CODE=NT"):
        make_app(database_url, simulator_server.url, clock, **SETTINGS, **shop_settings)
