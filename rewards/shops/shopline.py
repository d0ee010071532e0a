"""SHOPLINE's Open API webhooks (the Taiwanese SHOPLINE of shoplineapp.com; its developer
documentation at shopline-developers.readme.io, "Webhook Signature" and "Webhook topics").

What its documentation says, and what this reads:

* **Signature.** Not a header: the event's URL carries `?sign=<signature>`. The signature is the
  lowercase hex HMAC-SHA256, keyed with the app secret, of `<timestamp>:<payload>`, where the
  timestamp is the `X-Shopline-Developer-Event-Timestamp` header and the payload is the JSON body
  with its keys sorted alphabetically at every depth, serialised as JavaScript's JSON.stringify
  writes it (no spaces; 1280.0 written 1280). The documentation warns that languages serialise
  differently; `canonical` writes it as JSON.stringify does. A body that is not JSON therefore
  cannot be authenticated at all: it gets 401, like a wrong signature.
* **Topics** (in the body's `topic`): `order/complete` credits; `order/cancel` and
  `order_payment/refund` take back what is left; `return_order/*` and `pos_return_order/*` take
  back that return's total, once per return id.
* **Body.** We read an envelope `{"topic", "merchant_id", "resource": {...}}` and, failing a
  `resource`, the body itself as the object. The field names of the order are SHOPLINE Open API's
  order object: `id`, `order_number`, `status`, `total` and `delivery_fee` as money objects
  (`{"cents", "dollars", "currency_iso", "label"}`), `customer_id`, `customer_phone`,
  `customer_email`, `custom_data` ([{"field_id", "name", "value"}]: a custom field named
  `member_code` is the member code given at checkout), `member_point_discount` (a money object:
  what was paid with the shop's points), `created_at`, `updated_at`. These were not checked
  against a live delivery; confirm them with SHOPLINE's "send test" before relying on the reading.
* **Retries.** SHOPLINE expects 200 within 15 s and resends at most 3 times, so a catch-up sweep
  reads the order listing (`GET {SHOPLINE_API_URL}/v1/orders?updated_after=...`, Bearer token).
"""
from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, Mapping

from . import signing
from .events import (Contact, Event, Found, Nothing, OrderCancel, OrderRefund, PayloadError, PlacedOrder, instant,
                     listed, obj, text)
from .money import decimal_of

PLATFORM = "shopline"
CREDIT = ("order/complete",)
TAKE_ALL = ("order/cancel", "order_payment/refund")
RETURNS = ("return_order/", "pos_return_order/")


def handles(topic: str) -> bool:
    return topic in CREDIT or topic in TAKE_ALL or topic.startswith(RETURNS)


def canonical(value: Any) -> str:
    """JSON.stringify of `value` with keys sorted at every depth."""
    if isinstance(value, dict):
        return "{" + ",".join(json.dumps(str(k), ensure_ascii=False) + ":" + canonical(value[k])
                              for k in sorted(value, key=str)) + "}"
    if isinstance(value, list):
        return "[" + ",".join(canonical(v) for v in value) + "]"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return json.dumps(value, ensure_ascii=False)


def signature_ok(secret: str, timestamp: str | None, payload: Any, sign: str | None) -> bool:
    if not secret or not timestamp:
        return False
    return signing.matches(signing.hex_hmac(secret, f"{timestamp}:{canonical(payload)}".encode("utf-8")), sign)


def topic_of(payload: Any) -> str:
    return str(payload.get("topic") or "").strip()[:64] if isinstance(payload, Mapping) else ""


def _money(value: Any, name: str) -> tuple[Decimal, str | None]:
    if value is None:
        return Decimal(0), None
    if isinstance(value, Mapping):
        if value.get("dollars") is not None:
            return decimal_of(value.get("dollars"), f"{name}.dollars"), value.get("currency_iso")
        if value.get("cents") is not None:
            return decimal_of(value.get("cents"), f"{name}.cents") / 100, value.get("currency_iso")
    raise PayloadError(f"{name} must be a money object with dollars or cents")


def read(topic: str, shop: str, payload: Any) -> Event:
    body = obj(payload, "body")
    data = obj(body.get("resource"), "resource") if body.get("resource") is not None else body
    if topic in CREDIT:
        return placed(shop, data)
    if topic in TAKE_ALL:
        return OrderCancel(PLATFORM, shop, text(data.get("id"), "id"), topic)  # type: ignore[arg-type]
    if topic.startswith(RETURNS):
        kind = topic.split("/")[0]
        amount, currency = _money(data.get("total"), "total")
        return OrderRefund(PLATFORM, shop, text(data.get("order_id"), "order_id"),  # type: ignore[arg-type]
                           f"{kind}:{text(data.get('id'), 'id')}", amount, currency or "TWD")
    return Nothing(f"topic {topic} is not handled")


def placed(shop: str, data: Mapping[str, Any]) -> PlacedOrder:
    if data.get("total") is None:
        raise PayloadError("total is missing")
    total, currency = _money(data.get("total"), "total")
    shipping, _ = _money(data.get("delivery_fee"), "delivery_fee")
    points, _ = _money(data.get("member_point_discount"), "member_point_discount")
    fields = Found.of(listed(data.get("custom_data"), "custom_data"), "name", "value")
    contact = Contact(member_code=fields.get("member_code"),
                      customer_id=text(data.get("customer_id"), "customer_id", required=False),
                      phone=text(data.get("customer_phone"), "customer_phone", required=False),
                      email=text(data.get("customer_email"), "customer_email", required=False, limit=254))
    return PlacedOrder(PLATFORM, shop, text(data.get("id"), "id"),  # type: ignore[arg-type]
                       text(data.get("order_number"), "order_number", required=False), contact, total, shipping,
                       points, currency or "TWD", instant(data.get("created_at"), "created_at"))


def events_of_order(shop: str, data: Mapping[str, Any]) -> Event:
    """What an order of the listing (the catch-up sweep) asks for: credited once completed, taken
    back once cancelled."""
    status = text(data.get("status"), "status")
    if status == "completed":
        return placed(shop, data)
    if status == "cancelled":
        return OrderCancel(PLATFORM, shop, text(data.get("id"), "id"), "cancelled")  # type: ignore[arg-type]
    return Nothing(f"order status {status} is not completed")
