"""Shopify's order webhooks (shopify.dev, "Verify webhook deliveries" and the Order/Refund resources).

* Signed: `X-Shopify-Hmac-Sha256` is the base64 HMAC-SHA256 of the raw body keyed with the webhook
  secret; `X-Shopify-Shop-Domain` names the shop; `X-Shopify-Topic` the topic;
  `X-Shopify-Webhook-Id` the delivery (the same on Shopify's retries).
* `orders/paid` credits; `refunds/create` takes back that refund's share; `orders/cancelled` what is left.
* Amounts are decimal strings in the shop's currency (`currency`, `*_set.shop_money`).
* The member code given at checkout is a cart attribute, which Shopify puts in the order's
  `note_attributes` as {"name": "member_code", "value": ...}.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Mapping

from . import signing
from .events import (Contact, Event, Found, Nothing, OrderCancel, OrderRefund, PayloadError, PlacedOrder, instant,
                     listed, obj, text)
from .money import decimal_of

PLATFORM = "shopify"
TOPICS = ("orders/paid", "refunds/create", "orders/cancelled")


def signature_ok(secret: str, body: bytes, header: str | None) -> bool:
    return bool(secret) and signing.matches(signing.base64_hmac(secret, body), header)


def read(topic: str, shop: str, payload: Any) -> Event:
    data = obj(payload, "body")
    if topic == "orders/paid":
        return placed(shop, data)
    if topic == "refunds/create":
        return refund(shop, data)
    if topic == "orders/cancelled":
        return OrderCancel(PLATFORM, shop, text(data.get("id"), "id"), "cancelled")  # type: ignore[arg-type]
    return Nothing(f"topic {topic} is not handled")


def _money(data: Mapping[str, Any], plain: str, money_set: str) -> Decimal:
    shop_money = (data.get(money_set) or {}).get("shop_money") if isinstance(data.get(money_set), Mapping) else None
    if isinstance(shop_money, Mapping) and shop_money.get("amount") is not None:
        return decimal_of(shop_money.get("amount"), money_set)
    return decimal_of(data.get(plain), plain) if data.get(plain) is not None else Decimal(0)


def placed(shop: str, data: Mapping[str, Any]) -> PlacedOrder:
    if data.get("total_price") is None and data.get("total_price_set") is None:
        raise PayloadError("total_price is missing")
    customer = data.get("customer") if isinstance(data.get("customer"), Mapping) else {}
    attributes = Found.of(listed(data.get("note_attributes"), "note_attributes"), "name", "value")
    shipping = _money(data, "total_shipping_price", "total_shipping_price_set")
    if data.get("total_shipping_price_set") is None:
        shipping = sum((decimal_of(line.get("price"), "shipping_lines.price")
                        for line in listed(data.get("shipping_lines"), "shipping_lines") if isinstance(line, Mapping)),
                       Decimal(0))
    contact = Contact(member_code=attributes.get("member_code"),
                      customer_id=text(customer.get("id"), "customer.id", required=False),
                      phone=text(data.get("phone") or customer.get("phone") or
                                 (data.get("billing_address") or {}).get("phone"), "phone", required=False),
                      email=text(data.get("email") or customer.get("email"), "email", required=False, limit=254))
    return PlacedOrder(PLATFORM, shop, text(data.get("id"), "id"), text(data.get("name"), "name", required=False),  # type: ignore[arg-type]
                       contact, _money(data, "total_price", "total_price_set"), shipping, Decimal(0),
                       text(data.get("currency"), "currency", required=False) or "TWD",
                       instant(data.get("processed_at") or data.get("created_at"), "created_at"))


def refund(shop: str, data: Mapping[str, Any]) -> OrderRefund:
    """The goods refunded: the refund's line items' subtotals, or else its successful refund
    transactions less any shipping refund."""
    lines = [line for line in listed(data.get("refund_line_items"), "refund_line_items") if isinstance(line, Mapping)]
    currency = None
    if lines:
        amount = sum((_money(line, "subtotal", "subtotal_set") for line in lines), Decimal(0))
        money_set = lines[0].get("subtotal_set") if isinstance(lines[0].get("subtotal_set"), Mapping) else {}
        currency = ((money_set or {}).get("shop_money") or {}).get("currency_code")
    else:
        moves = [t for t in listed(data.get("transactions"), "transactions")
                 if isinstance(t, Mapping) and t.get("kind") == "refund" and t.get("status") in (None, "success")]
        amount = sum((decimal_of(t.get("amount"), "transactions.amount") for t in moves), Decimal(0))
        currency = next((t.get("currency") for t in moves if t.get("currency")), None)
        for adjustment in listed(data.get("order_adjustments"), "order_adjustments"):
            if isinstance(adjustment, Mapping) and adjustment.get("kind") == "shipping_refund":
                amount -= abs(decimal_of(str(adjustment.get("amount", "0")).lstrip("-"), "order_adjustments.amount"))
    return OrderRefund(PLATFORM, shop, text(data.get("order_id"), "order_id"), text(data.get("id"), "id"),  # type: ignore[arg-type]
                       max(amount, Decimal(0)), str(currency or "TWD"))
