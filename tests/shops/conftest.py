"""The shops' webhooks: an app with each platform's secret set, golden payloads from the platforms'
documentation (tests/shops/golden/), and a signed sender for each platform (the simulator's, as a
real shop would sign)."""
from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path

import pytest

from simulator.shop_signing import sign_shopify

from ..api.conftest import make_member, rt  # noqa: F401 - the members the orders name; balances checked after
from ..conftest import make_app

GOLDEN = Path(__file__).parent / "golden"
SHOPIFY_SECRET = "shpss-test-secret"
SHOP_DOMAIN = "bot-demo.myshopify.com"
SETTINGS = {"SHOPIFY_WEBHOOK_SECRET": SHOPIFY_SECRET, "SHOPIFY_SHOP_DOMAIN": SHOP_DOMAIN}


def golden(name: str) -> dict:
    return json.loads((GOLDEN / name).read_text(encoding="utf-8"))


@pytest.fixture
def shop_settings():
    """What the test's app is started with, beside SETTINGS; a test may add to it before `app`."""
    return {}


@pytest.fixture
def app(database_url, simulator_server, line, clock, shop_settings):
    application = make_app(database_url, simulator_server.url, clock, **{**SETTINGS, **shop_settings})
    yield application
    application.extensions["inbox_worker"].shutdown()
    application.extensions["shop_worker"].shutdown()
    application.extensions["bot"].db.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


class Shopify:
    """Sends Shopify's webhooks to the app's test client, signed as Shopify signs them."""

    def __init__(self, client, clock):
        self.client, self.clock = client, clock

    def order(self, order_id: int = 820982911946154508, total: str = "1280.00", shipping: str = "80.00",
              member_code: str | None = None, customer_id: int | None = 115310627314723954,
              phone: str | None = None, currency: str = "TWD") -> dict:
        """The documentation's orders/paid sample, as a Taiwanese shop's order placed an hour ago."""
        order = copy.deepcopy(golden("shopify_orders_paid.json"))
        placed = self.clock.now().replace(microsecond=0).isoformat()
        order.update(id=order_id, currency=currency, presentment_currency=currency, total_price=total,
                     created_at=placed, processed_at=placed, cancelled_at=None, cancel_reason=None,
                     financial_status="paid", phone=phone)
        for key, amount in (("total_price_set", total), ("total_shipping_price_set", shipping)):
            order[key] = {"shop_money": {"amount": amount, "currency_code": currency},
                          "presentment_money": {"amount": amount, "currency_code": currency}}
        order["note_attributes"] = [{"name": "member_code", "value": member_code}] if member_code else []
        order["customer"] = dict(order["customer"], id=customer_id) if customer_id else None
        return order

    def refund(self, order_id: int, refund_id: int, amount: str, currency: str = "TWD") -> dict:
        refund = copy.deepcopy(golden("shopify_refunds_create.json"))
        refund.update(id=refund_id, order_id=order_id)
        line = refund["refund_line_items"][0]
        line["subtotal"] = float(amount)
        line["subtotal_set"] = {"shop_money": {"amount": amount, "currency_code": currency},
                                "presentment_money": {"amount": amount, "currency_code": currency}}
        return refund

    def send(self, topic: str, payload, webhook_id: str | None = None, secret: str = SHOPIFY_SECRET,
             shop: str = SHOP_DOMAIN, signature: str | None = None, body: bytes | None = None):
        body = body if body is not None else json.dumps(payload).encode()
        headers = {"X-Shopify-Topic": topic, "X-Shopify-Shop-Domain": shop,
                   "X-Shopify-Webhook-Id": webhook_id or str(uuid.uuid4()),
                   "X-Shopify-API-Version": "2025-01", "Content-Type": "application/json"}
        headers["X-Shopify-Hmac-Sha256"] = signature if signature is not None else sign_shopify(secret, body)
        return self.client.post("/webhooks/shopify", data=body, headers=headers)


@pytest.fixture
def shopify(client, clock):
    return Shopify(client, clock)
