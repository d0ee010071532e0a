"""The shops' webhooks: an app with each platform's secret set, golden payloads from the platforms'
documentation (tests/shops/golden/), and a signed sender for each platform (the simulator's, as a
real shop would sign)."""
from __future__ import annotations

import copy
import subprocess
import sys
from contextlib import contextmanager
import json
import uuid
from datetime import timezone
from pathlib import Path

import pytest

from bench.processes import free_port
from rewards import ledger

from simulator.shop_signing import sign_shopify, sign_shopline, sign_woocommerce

from tests.processes import answers, wait_until

from ..api.conftest import api_key, auth, make_member, rt  # noqa: F401 - the members the orders name; balances checked after
from ..conftest import make_app

GOLDEN = Path(__file__).parent / "golden"
SHOPIFY_SECRET = "shpss-test-secret"
SHOP_DOMAIN = "bot-demo.myshopify.com"
WOO_SECRET = "woo-test-secret"
WOO_SITE = "https://shop.example.com/"
SHOPLINE_SECRET = "shopline-app-secret"
SETTINGS = {"SHOPIFY_WEBHOOK_SECRET": SHOPIFY_SECRET, "SHOPIFY_SHOP_DOMAIN": SHOP_DOMAIN,
            "WOOCOMMERCE_WEBHOOK_SECRET": WOO_SECRET, "SHOPLINE_APP_SECRET": SHOPLINE_SECRET}


def balance(rt, member) -> int:
    with rt.db.session() as s:
        return ledger.balance_of(s, member.id)


def rows(rt, stmt) -> list:
    with rt.db.session() as s:
        return s.execute(stmt).all()


@contextmanager
def fake_platform(platform: str, key: str, secret: str = ""):
    """A fake platform's API (simulator/shops.py) in a process of its own; its URL once it answers."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "simulator.shops", "--platform", platform, "--port", str(port),
                             "--key", key, "--secret", secret])
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(f"the fake {platform}", lambda: answers(f"{url}/__sim/requests"), 20)
        yield url
    finally:
        proc.kill()
        proc.wait()


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


class WooCommerce:
    """Sends WooCommerce's webhooks (v3 payloads), signed as WC_Webhook signs them."""

    def __init__(self, client, clock):
        self.client, self.clock = client, clock

    def order(self, order_id: int = 727, status: str = "completed", total: str = "1280.00", shipping: str = "80.00",
              member_code: str | None = None, customer_id: int = 0, phone: str | None = "(555) 555-5555",
              refunds: list | None = None, currency: str = "TWD") -> dict:
        """The documentation's order, as a Taiwanese shop's paid an hour ago."""
        order = copy.deepcopy(golden("woocommerce_order.json"))
        paid = self.clock.now().astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
        order.update(id=order_id, number=str(order_id), status=status, total=total, shipping_total=shipping,
                     currency=currency, customer_id=customer_id, date_paid_gmt=paid, date_created_gmt=paid,
                     date_modified_gmt=paid, refunds=refunds or [])
        order["billing"]["phone"] = phone
        if member_code:
            order["meta_data"] = [{"id": 9001, "key": "member_code", "value": member_code}]
        return order

    def send(self, topic: str, payload, delivery_id: str | None = None, secret: str = WOO_SECRET,
             body: bytes | None = None, signature: str | None = None):
        body = body if body is not None else json.dumps(payload).encode()
        resource, _, event = topic.partition(".")
        headers = {"X-WC-Webhook-Source": WOO_SITE, "X-WC-Webhook-Topic": topic, "X-WC-Webhook-Resource": resource,
                   "X-WC-Webhook-Event": event, "X-WC-Webhook-ID": "12",
                   "X-WC-Webhook-Delivery-ID": delivery_id or uuid.uuid4().hex, "Content-Type": "application/json",
                   "X-WC-Webhook-Signature": signature if signature is not None else sign_woocommerce(secret, body)}
        return self.client.post("/webhooks/woocommerce", data=body, headers=headers)


@pytest.fixture
def woo(client, clock):
    return WooCommerce(client, clock)


class Shopline:
    """Sends SHOPLINE's webhooks: `?sign=` over the timestamp and the body's sorted JSON."""

    def __init__(self, client, clock):
        self.client, self.clock = client, clock

    def order(self, order_id: str = "5f1a2b3c4d5e6f0012345678", total: int = 1280, shipping: int = 80,
              points: int = 0, member_code: str | None = None, phone: str | None = None, status: str = "completed",
              topic: str = "order/complete") -> dict:
        event = copy.deepcopy(golden("shopline_order_complete.json"))
        event["topic"] = topic
        order = event["resource"]
        placed = self.clock.now().astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        money = lambda n: {"cents": n * 100, "currency_symbol": "NT$", "currency_iso": "TWD",  # noqa: E731
                           "label": f"NT${n:,}", "dollars": float(n)}
        order.update(id=order_id, status=status, total=money(total), delivery_fee=money(shipping),
                     member_point_discount=money(points), customer_phone=phone, created_at=placed, updated_at=placed)
        if member_code:
            order["custom_data"] = [{"field_id": "6011a0b1c2d3e40012345678", "name": "member_code",
                                     "value": member_code}]
        return event

    def send(self, payload, secret: str = SHOPLINE_SECRET, timestamp: str = "1607849159", sign: str | None = None,
             body: bytes | None = None):
        body = body if body is not None else json.dumps(payload, ensure_ascii=False).encode()
        sign = sign if sign is not None else sign_shopline(secret, timestamp, payload)
        return self.client.post(f"/webhooks/shopline?sign={sign}", data=body, headers={
            "Content-Type": "application/json", "X-Shopline-Developer-Event-Timestamp": timestamp})


@pytest.fixture
def shopline(client, clock):
    return Shopline(client, clock)
