"""What a delivery's answer waits for: recording it is one INSERT ... ON CONFLICT DO NOTHING on a
Core connection (no ORM session, no read, no savepoint); the processing happens behind
(INBOX_MODE=off here: only recorded, as the answer sees it)."""
from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from rewards.shops.models import ShopDelivery

from .conftest import rows


@contextmanager
def statements(rt):
    seen: list[str] = []

    def listen(_conn, _cursor, statement, *_args):
        seen.append(statement.split(None, 1)[0].upper())

    event.listen(rt.db.engine, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        event.remove(rt.db.engine, "before_cursor_execute", listen)


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
