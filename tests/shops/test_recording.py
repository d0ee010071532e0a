"""What a delivery's answer waits for: recording it is one INSERT ... ON CONFLICT DO NOTHING on a
Core connection (no ORM session, no read, no savepoint); the processing happens behind
(INBOX_MODE=off: only recorded, as the answer sees it). A process that will process the delivery
itself records it claimed."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, select

from rewards.shops import deliveries
from rewards.models import MemberLink
from rewards.shops.models import ShopDelivery, ShopOrder

from ..api.conftest import statements
from .conftest import SHOP_DOMAIN, balance, rows


def _sent(platform, shopify, woo, shopline, code: str, delivery_id: str):
    if platform == "shopify":
        return shopify.send("orders/paid", shopify.order(member_code=code), webhook_id=delivery_id)
    if platform == "woocommerce":
        return woo.send("order.updated", woo.order(member_code=code), delivery_id=delivery_id)
    return shopline.send(shopline.order(member_code=code))  # SHOPLINE's delivery id: a digest of its body


@pytest.mark.parametrize("shop_settings", [{"INBOX_MODE": "off"}])
@pytest.mark.parametrize("platform", ["shopify", "woocommerce", "shopline"])
def test_recording_a_delivery_is_one_insert(platform, rt, shopify, woo, shopline, make_member):
    member = make_member()
    begin = ["BEGIN"] if rt.db.engine.dialect.name == "sqlite" else []  # psycopg begins without a statement
    with statements(rt) as seen:
        assert _sent(platform, shopify, woo, shopline, member.code, "delivery-1").status_code == 200
    assert seen == begin + ["INSERT"]
    with statements(rt) as again:  # the same delivery again: the same one statement, which writes nothing
        assert _sent(platform, shopify, woo, shopline, member.code, "delivery-1").status_code == 200
    assert again == begin + ["INSERT"]
    assert rows(rt, select(ShopDelivery.platform, ShopDelivery.status)) == [(platform, "pending")]


@pytest.mark.parametrize("shop_settings", [{"INBOX_MODE": "off"}])
def test_an_unknown_topic_is_recorded_as_ignored_in_the_same_unit(rt, shopify):
    begin = ["BEGIN"] if rt.db.engine.dialect.name == "sqlite" else []
    with statements(rt) as seen:
        assert shopify.send("products/create", {"id": 1}).status_code == 200
    assert seen == begin + ["INSERT", "UPDATE"]
    assert rows(rt, select(ShopDelivery.status, ShopDelivery.outcome)) == [("ignored", "ignored")]


def test_a_delivery_processed_in_its_request_is_one_unit_of_work(rt, shopify, make_member):
    """INBOX_MODE=sync: acted on, then recorded finished by one INSERT (no payload kept, no claim, no
    second write of the delivery), in one transaction; the crediting is the orders API's own
    statements, the member locked and read with whether the order was received before and whether
    the customer is linked already (one UPDATE ... RETURNING), and the shop order written once, settled. The customer's link is written
    only when new (the first order links it)."""
    member = make_member()
    begin = ["BEGIN"] if rt.db.engine.dialect.name == "sqlite" else []
    orders_path = ["SELECT", "INSERT", "UPDATE", "INSERT", "INSERT"]  # rewards/orders.py: spend, order, balance,
    # ledger, receipt (the member locked already)
    with statements(rt) as first:
        assert shopify.send("orders/paid", shopify.order(order_id=1, member_code=member.code)).status_code == 200
    assert first == begin + [
        "UPDATE",  # its member by the code given at checkout, locked; the order received before? the customer linked?
        *orders_path,
        "INSERT",  # the customer id linked to the member: new
        "INSERT",  # the shop order, once per (platform, shop, order id), credited
        "INSERT",  # the delivery, finished
    ], first
    with statements(rt) as seen:
        assert shopify.send("orders/paid", shopify.order(order_id=2, member_code=member.code)).status_code == 200
    assert seen == begin + ["UPDATE", *orders_path, "INSERT", "INSERT"], seen  # linked already: no link written
    assert rows(rt, select(ShopDelivery.status, ShopDelivery.outcome, ShopDelivery.attempts, ShopDelivery.payload)
                .order_by(ShopDelivery.id)) == [("done", "credited", 1, None)] * 2
    assert rows(rt, select(ShopOrder.status, ShopOrder.matched_by, ShopOrder.contact, ShopOrder.order_id.is_not(None))
                .order_by(ShopOrder.id)) == [("credited", "code", None, True)] * 2
    assert rows(rt, select(MemberLink.member_id, MemberLink.platform)) == [(member.id, "shopify")]
    assert balance(rt, member) == 24


def test_an_order_received_before_takes_the_general_way(rt, shopify, make_member):
    """The same order again by another delivery (a new webhook id): read as received before, so it
    is settled as it was (a duplicate, nothing credited twice, the shop order written once)."""
    member = make_member()
    order = shopify.order(order_id=7, member_code=member.code)
    assert shopify.send("orders/paid", order, webhook_id="a").status_code == 200
    assert shopify.send("orders/paid", order, webhook_id="b").status_code == 200
    assert rows(rt, select(ShopDelivery.delivery_id, ShopDelivery.outcome).order_by(ShopDelivery.id)) == [
        ("a", "credited"), ("b", "duplicate")]
    assert rows(rt, select(ShopOrder.status)) == [("credited",)]
    assert balance(rt, member) == 12


@pytest.mark.parametrize("shop_settings", [{"INBOX_MODE": "thread"}])
def test_a_delivery_processed_by_the_process_that_recorded_it_is_recorded_claimed(app, rt, shopify, make_member):
    """INBOX_MODE=thread: recorded claimed before the answer, its payload handed to the pool in
    memory, so the row is written twice in all (the INSERT, the finish) with no claim and no read back."""
    member = make_member()
    with rt.db.engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")  # the pool's connection opened before counting
    seen: list[str] = []

    def listen(_conn, _cursor, statement, *_args):
        if "shop_deliveries" in statement:
            seen.append(statement.split(None, 1)[0].upper())

    event.listen(rt.db.engine, "before_cursor_execute", listen)
    try:
        assert shopify.send("orders/paid", shopify.order(member_code=member.code)).status_code == 200
        app.extensions["shop_worker"].shutdown(wait=True)  # the pool has processed it
    finally:
        event.remove(rt.db.engine, "before_cursor_execute", listen)
    assert seen == ["INSERT", "UPDATE"]
    assert rows(rt, select(ShopDelivery.status, ShopDelivery.outcome, ShopDelivery.attempts)) == [
        ("done", "credited", 1)]
    assert balance(rt, member) == 12


def test_a_delivery_whose_processing_raised_is_recorded_pending_for_the_sweep(rt, app, shopify, make_member,
                                                                               monkeypatch):
    """INBOX_MODE=sync: the one unit of work is rolled back, and the delivery is recorded apart,
    pending with the reason (nothing lost before the 200); the sweep credits it once."""
    member = make_member()
    real = deliveries.act

    def broken(*args):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(deliveries, "act", broken)
    assert shopify.send("orders/paid", shopify.order(member_code=member.code), webhook_id="w-1").status_code == 200
    assert rows(rt, select(ShopDelivery.status, ShopDelivery.attempts, ShopDelivery.error)) == [
        ("pending", 1, "RuntimeError: the database went away")]
    assert balance(rt, member) == 0
    monkeypatch.setattr(deliveries, "act", real)
    assert app.extensions["shop_worker"].sweep(rt.clock.now() + timedelta(seconds=10)) == 1
    assert shopify.send("orders/paid", shopify.order(member_code=member.code), webhook_id="w-1").status_code == 200
    assert rows(rt, select(ShopDelivery.status, ShopDelivery.outcome)) == [("done", "credited")]
    assert balance(rt, member) == 12


def test_a_delivery_recorded_claimed_by_a_process_that_died_is_taken_by_the_sweep_after_the_lease(
        rt, app, make_member, clock):
    member = make_member()
    payload = {"id": 42, "currency": "TWD", "total_price": "1280.00", "created_at": clock.now().isoformat(),
               "note_attributes": [{"name": "member_code", "value": member.code}]}
    with rt.db.session() as s:  # recorded claimed; the process dies before its pool processes it
        deliveries.record(s, "shopify", "died-1", "orders/paid", SHOP_DOMAIN, payload, clock.now(), claim=True)
    worker = app.extensions["shop_worker"]
    assert worker.sweep(clock.now() + deliveries.LEASE - timedelta(seconds=1)) == 0  # its claim still holds
    assert worker.sweep(clock.now() + deliveries.LEASE + timedelta(seconds=1)) == 1
    assert rows(rt, select(ShopDelivery.status, ShopDelivery.outcome, ShopDelivery.attempts)) == [
        ("done", "credited", 2)]
    assert balance(rt, member) == 12
