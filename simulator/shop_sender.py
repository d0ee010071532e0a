"""Simulated shops: signed order, refund and cancellation webhooks of each platform, as Shopify,
WooCommerce and SHOPLINE send them, posted to a bot (development: `bin/dev` shows the whole path
without a real shop). It imports nothing of the bot; the payloads are shaped after the platforms'
documented examples (the bot's tests keep those whole, tests/shops/golden/).

    python -m simulator.shops send --platform shopify --kind order --bot-url http://127.0.0.1:5000 \\
        --secret dev-shopify-secret --member-code M12345678 --order-id 1001 --amount 1280
"""
from __future__ import annotations

import json
import time
import uuid
from datetime import datetime, timezone

import requests

from .shop_signing import sign_shopify, sign_shopline, sign_woocommerce

KINDS = ("order", "refund", "cancel")


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def shopify(kind: str, order_id: str, amount: str, member_code: str | None, customer_id: str | None,
            phone: str | None, shop: str) -> tuple[str, dict, dict]:
    placed = _now().isoformat()
    money = lambda n: {"shop_money": {"amount": n, "currency_code": "TWD"},  # noqa: E731
                       "presentment_money": {"amount": n, "currency_code": "TWD"}}
    if kind == "refund":
        return "refunds/create", {"id": int(time.time() * 1000), "order_id": order_id, "created_at": placed,
                                  "refund_line_items": [{"id": 1, "quantity": 1, "subtotal": float(amount),
                                                         "subtotal_set": money(amount)}],
                                  "transactions": [], "order_adjustments": []}, {}
    order = {"id": order_id, "name": f"#{order_id}", "email": "customer@example.com", "phone": phone,
             "created_at": placed, "processed_at": placed, "currency": "TWD", "total_price": amount,
             "total_price_set": money(amount), "total_shipping_price_set": money("0.00"),
             "financial_status": "paid", "note_attributes": ([{"name": "member_code", "value": member_code}]
                                                             if member_code else []),
             "customer": {"id": customer_id, "email": "customer@example.com", "phone": phone} if customer_id else None,
             "line_items": [{"id": 1, "title": "Oolong tea", "price": amount, "quantity": 1, "sku": "TEA-01"}],
             "shipping_lines": []}
    if kind == "cancel":
        order.update(cancelled_at=placed, cancel_reason="customer")
    return ("orders/cancelled" if kind == "cancel" else "orders/paid"), order, {"shop": shop}


def woocommerce(kind: str, order_id: str, amount: str, member_code: str | None, customer_id: str | None,
                phone: str | None, shop: str) -> tuple[str, dict, dict]:
    stamp = _now().strftime("%Y-%m-%dT%H:%M:%S")
    order = {"id": int(order_id), "number": order_id, "status": "cancelled" if kind == "cancel" else "completed",
             "currency": "TWD", "total": amount, "shipping_total": "0.00", "customer_id": int(customer_id or 0),
             "date_created_gmt": stamp, "date_paid_gmt": stamp, "date_modified_gmt": stamp,
             "billing": {"email": "customer@example.com", "phone": phone or ""},
             "meta_data": [{"id": 1, "key": "member_code", "value": member_code}] if member_code else [],
             "refunds": [{"id": int(time.time()), "reason": "", "total": f"-{amount}"}] if kind == "refund" else []}
    return "order.updated", order, {"shop": shop}


def shopline(kind: str, order_id: str, amount: str, member_code: str | None, customer_id: str | None,
             phone: str | None, shop: str) -> tuple[str, dict, dict]:
    dollars = float(amount)
    money = {"cents": int(round(dollars * 100)), "currency_iso": "TWD", "dollars": dollars, "label": f"NT${amount}"}
    if kind == "refund":
        return "return_order/create", {"topic": "return_order/create", "merchant_id": shop, "resource": {
            "id": uuid.uuid4().hex[:24], "order_id": order_id, "status": "confirmed", "total": money}}, {}
    topic = "order/cancel" if kind == "cancel" else "order/complete"
    return topic, {"topic": topic, "merchant_id": shop, "resource": {
        "id": order_id, "order_number": order_id, "status": "cancelled" if kind == "cancel" else "completed",
        "total": money, "delivery_fee": {"cents": 0, "currency_iso": "TWD", "dollars": 0.0},
        "customer_id": customer_id, "customer_phone": phone, "created_at": _now().isoformat(),
        "custom_data": [{"field_id": "member_code", "name": "member_code", "value": member_code}] if member_code else []}}, {}


BUILDERS = {"shopify": shopify, "woocommerce": woocommerce, "shopline": shopline}


def send(platform: str, kind: str, bot_url: str, secret: str, order_id: str, amount: str = "1280.00",
         member_code: str | None = None, customer_id: str | None = None, phone: str | None = None,
         shop: str = "demo.myshopify.com", timeout: float = 10.0) -> requests.Response:
    """Post one signed webhook of `platform` to the bot at `bot_url`; the bot's answer."""
    topic, payload, _extra = BUILDERS[platform](kind, order_id, amount, member_code, customer_id, phone, shop)
    body = json.dumps(payload, ensure_ascii=False).encode()
    url = f"{bot_url.rstrip('/')}/webhooks/{platform}"
    headers = {"Content-Type": "application/json"}
    if platform == "shopify":
        headers.update({"X-Shopify-Topic": topic, "X-Shopify-Shop-Domain": shop, "X-Shopify-Webhook-Id": str(uuid.uuid4()),
                        "X-Shopify-Hmac-Sha256": sign_shopify(secret, body)})
    elif platform == "woocommerce":
        headers.update({"X-WC-Webhook-Topic": topic, "X-WC-Webhook-Source": f"https://{shop}/",
                        "X-WC-Webhook-Delivery-ID": uuid.uuid4().hex, "X-WC-Webhook-Signature": sign_woocommerce(secret, body)})
    else:
        stamp = str(int(time.time()))
        headers["X-Shopline-Developer-Event-Timestamp"] = stamp
        url += f"?sign={sign_shopline(secret, stamp, payload)}"
    return requests.post(url, data=body, headers=headers, timeout=timeout)
