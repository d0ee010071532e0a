"""WooCommerce's order webhooks and REST API (woocommerce.github.io/woocommerce-rest-api-docs).

* Signed: `X-WC-Webhook-Signature` is the base64 HMAC-SHA256 of the raw body keyed with the
  webhook's secret; `X-WC-Webhook-Topic` the topic, `X-WC-Webhook-Source` the site (the shop),
  `X-WC-Webhook-Delivery-ID` the delivery.
* Saving a webhook sends a ping: the form body `webhook_id=<id>`, with no topic; it gets 200.
* `order.created` / `order.updated` carry the whole order (v3): it credits once its `status` is the
  one set as paid (`completed` by default), and its `refunds` ([{id, total: "-10.00"}]) are taken
  back once each; `cancelled`, `refunded` in full or `order.deleted` take back what is left.
* A member code given at checkout is the order meta `member_code` (`meta_data`: [{key, value}]).
* WooCommerce disables a webhook after 5 failed deliveries and never retries, so a catch-up sweep
  (`catch_up`) reads `/wp-json/wc/v3/orders?modified_after=...` with the REST API key.
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Mapping
from urllib.parse import urlsplit

from . import signing
from .events import (Contact, Event, Found, Nothing, OrderCancel, OrderRefund, PayloadError, PlacedOrder, instant,
                     listed, obj, text)
from .money import decimal_of

PLATFORM = "woocommerce"
TOPICS = ("order.created", "order.updated", "order.deleted", "order.restored")
PING = re.compile(rb"webhook_id=\d{1,20}")


def signature_ok(secret: str, body: bytes, header: str | None) -> bool:
    return bool(secret) and signing.matches(signing.base64_hmac(secret, body), header)


def shop_of(url: str | None) -> str:
    """The site a webhook comes from (`X-WC-Webhook-Source`) or the sweep reads, written one way:
    host and path, no scheme, no trailing slash."""
    parts = urlsplit((url or "").strip())
    return (parts.netloc + parts.path).rstrip("/").lower() if parts.netloc else (url or "").strip().rstrip("/").lower()


def read(topic: str, shop: str, payload: Any, paid_status: str) -> list[Event]:
    data = obj(payload, "body")
    if topic == "order.deleted":
        return [OrderCancel(PLATFORM, shop, text(data.get("id"), "id"), "deleted")]  # type: ignore[arg-type]
    if topic in TOPICS:
        return events_of_order(shop, data, paid_status)
    return [Nothing(f"topic {topic} is not handled")]


def _gmt(data: Mapping[str, Any], *names: str):
    for name in names:
        value = data.get(name)
        if isinstance(value, str) and value.strip():
            return instant(value if value.endswith("Z") or "+" in value[10:] else value + "+00:00", name)
    raise PayloadError(f"{names[0]} is missing")


def events_of_order(shop: str, data: Mapping[str, Any], paid_status: str) -> list[Event]:
    """What an order, as the webhook or the REST API gives it, asks for: its credit once paid, each
    refund, or the reversal of what is left."""
    order_id = text(data.get("id"), "id")
    status = text(data.get("status"), "status")
    if status in ("cancelled", "failed", "trash"):
        return [OrderCancel(PLATFORM, shop, order_id, status)]  # type: ignore[arg-type]
    if status not in (paid_status, "refunded") and not (paid_status != "completed" and status == "completed"):
        return [Nothing(f"order status {status} is not paid ({paid_status})")]
    if data.get("total") is None:
        raise PayloadError("total is missing")
    billing = data.get("billing") if isinstance(data.get("billing"), Mapping) else {}
    meta = Found.of(listed(data.get("meta_data"), "meta_data"), "key", "value")
    customer = data.get("customer_id")
    contact = Contact(member_code=meta.get("member_code"),
                      customer_id=None if customer in (None, 0, "0") else text(customer, "customer_id"),
                      phone=text(billing.get("phone"), "billing.phone", required=False),
                      email=text(billing.get("email"), "billing.email", required=False, limit=254))
    currency = text(data.get("currency"), "currency", required=False) or "TWD"
    found: list[Event] = [PlacedOrder(
        PLATFORM, shop, order_id, text(data.get("number"), "number", required=False), contact,  # type: ignore[arg-type]
        decimal_of(data.get("total"), "total"), decimal_of(data.get("shipping_total") or "0", "shipping_total"),
        Decimal(0), currency, _gmt(data, "date_paid_gmt", "date_created_gmt"))]
    for refund in listed(data.get("refunds"), "refunds"):
        if isinstance(refund, Mapping):
            amount = decimal_of(str(refund.get("total") or "0").lstrip("-"), "refunds.total")
            found.append(OrderRefund(PLATFORM, shop, order_id, text(refund.get("id"), "refunds.id"),  # type: ignore[arg-type]
                                     amount, currency))
    if status == "refunded":
        found.append(OrderCancel(PLATFORM, shop, order_id, "refunded"))  # type: ignore[arg-type]
    return found
