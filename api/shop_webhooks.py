"""POST /webhooks/<platform>: an online shop's signed order webhooks (Shopify, WooCommerce, SHOPLINE).

The signature is checked on the raw body first: wrong or missing, 401 and nothing is kept but a
counter. A signed delivery is recorded once (rewards/shops/deliveries.py: one INSERT ... ON
CONFLICT DO NOTHING on a Core connection) and answered 200 at once; the worker processes it. A signed body that is not JSON, or not an object, is recorded as failed
with its reason (the console's Shops page shows it) and still answered 200: every platform's
answer to a non-2xx is to retry the same bytes, which would fail the same way, and Shopify and
WooCommerce disable a webhook that keeps failing (WooCommerce after 5), which would lose the good
deliveries after it. An unknown topic is answered 200, recorded as ignored and logged once.
"""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any, Callable

from flask import Blueprint, abort, current_app, jsonify, request

from core import metrics, strict_json
from core.runtime import runtime
from rewards.shops import deliveries, shopify, shopline, woocommerce

log = logging.getLogger(__name__)
bp = Blueprint("shop_webhooks", __name__)
_unknown_logged: set[tuple[str, str]] = set()


@dataclass(frozen=True)
class Delivery:
    """What the headers (and query) of a signed request say."""

    delivery_id: str | None
    topic: str
    shop: str


def _shopify(config, body: bytes) -> Delivery | None:
    headers = request.headers
    if not shopify.signature_ok(config.SHOPIFY_WEBHOOK_SECRET, body, headers.get("X-Shopify-Hmac-Sha256")):
        return None
    shop = (headers.get("X-Shopify-Shop-Domain") or "").strip().lower()
    if config.SHOPIFY_SHOP_DOMAIN and shop != config.SHOPIFY_SHOP_DOMAIN.strip().lower():
        return None
    return Delivery(headers.get("X-Shopify-Webhook-Id"), (headers.get("X-Shopify-Topic") or "").strip(), shop)


def _woocommerce(config, body: bytes) -> Delivery | None:
    headers = request.headers
    if not woocommerce.signature_ok(config.WOOCOMMERCE_WEBHOOK_SECRET, body, headers.get("X-WC-Webhook-Signature")):
        return None
    return Delivery(headers.get("X-WC-Webhook-Delivery-ID"), (headers.get("X-WC-Webhook-Topic") or "").strip(),
                    # one shop per bot: the site the catch-up sweep reads, so both name its orders alike
                    woocommerce.shop_of(config.WOOCOMMERCE_URL or headers.get("X-WC-Webhook-Source")))


def _woocommerce_ping(body: bytes) -> bool:
    """The ping WooCommerce sends when a webhook is saved: `webhook_id=<id>`, no topic, unsigned."""
    if request.headers.get("X-WC-Webhook-Topic"):
        return False
    if request.mimetype == "application/x-www-form-urlencoded":  # the form was read already (core/request_guard.py)
        return list(request.form) == ["webhook_id"] and request.form["webhook_id"].isdigit()
    return woocommerce.PING.fullmatch(body.strip()) is not None


def _shopline(config, body: bytes) -> Delivery | None:
    """SHOPLINE signs the body's JSON, not its bytes (rewards/shops/shopline.py): a body that is not
    JSON cannot be authenticated."""
    try:
        payload = strict_json.loads(body.decode("utf-8"))
    except ValueError:
        return None
    if not shopline.signature_ok(config.SHOPLINE_APP_SECRET, request.headers.get("X-Shopline-Developer-Event-Timestamp"),
                                 payload, request.args.get("sign")):
        return None
    topic = shopline.topic_of(payload) or (request.headers.get("X-Shopline-Topic") or "").strip()
    return Delivery(None, topic, config.SHOPLINE_MERCHANT_ID or "main")


# each platform: (check the signature and read the headers, or None; whether it handles a topic)
PLATFORMS: dict[str, tuple[Callable[[Any, bytes], Delivery | None], Callable[[str], bool]]] = {
    "shopify": (_shopify, shopify.TOPICS.__contains__),
    "woocommerce": (_woocommerce, woocommerce.TOPICS.__contains__),
    "shopline": (_shopline, shopline.handles),
}
# answered 200 before any signature: a platform's check that the address works
PINGS: dict[str, Callable[[bytes], bool]] = {"woocommerce": _woocommerce_ping}


def _delivery_id(delivery: Delivery, body: bytes) -> str:
    """The platform's delivery id; without one, a digest of the topic and body (the same bytes
    again are the same delivery)."""
    given = (delivery.delivery_id or "").strip()
    if given and len(given) <= 128 and given.isprintable():
        return given
    return "sha256:" + hashlib.sha256(delivery.topic.encode() + b"\n" + body).hexdigest()


@bp.post("/webhooks/<platform>")
def receive(platform: str):
    if platform not in PLATFORMS:
        abort(404)
    rt = runtime()
    body = request.get_data(cache=True)
    check, handles = PLATFORMS[platform]
    if platform in PINGS and PINGS[platform](body):
        log.info("shop webhook: %s ping answered", platform)
        return jsonify({})
    delivery = check(rt.config, body)
    if delivery is None:
        metrics.shop_delivery(platform, "refused")
        return jsonify({"error": "signature"}), 401
    payload, error = _read(body)
    if error is None and not handles(delivery.topic):
        if (platform, delivery.topic) not in _unknown_logged:
            _unknown_logged.add((platform, delivery.topic))
            log.info("shop webhook: %s topic %r is not handled; answered 200 and ignored", platform,
                     delivery.topic[:64])
        payload, error = None, None
    now = rt.clock.now()
    delivery_id = _delivery_id(delivery, body)
    worker = current_app.extensions["shop_worker"]
    # processed by this process: recorded claimed, its payload handed to the pool (no claim, no re-read)
    claim = worker.processes_here and error is None and handles(delivery.topic)

    claimed = deliveries.Claimed(platform, delivery.topic[:64], delivery.shop[:128], payload)
    if claim and worker.mode == "sync":  # recorded and processed in one unit of work
        new_id = worker.receive(delivery_id, claimed, now)
        metrics.shop_delivery(platform, "recorded" if new_id is not None else "duplicate")
        return jsonify({})

    def record(conn):
        new = deliveries.record(conn, platform, delivery_id, delivery.topic, delivery.shop, payload, now, error,
                                claim=claim)
        if new is not None and not handles(delivery.topic) and error is None:
            deliveries.finish(conn, new, now, deliveries.Outcome("ignored", f"topic {delivery.topic[:40]} is not handled"))
            return None
        return new

    # on a Core connection: the answer waits for one INSERT ... ON CONFLICT DO NOTHING RETURNING, not an ORM session
    new_id = rt.db.run(record, write=True, core=True, urgent=True)  # before the pool's processing, on SQLite
    metrics.shop_delivery(platform, "recorded" if new_id is not None or error else "duplicate")
    if new_id is not None and claim:
        worker.submit_claimed(new_id, claimed)
    return jsonify({})


def _read(body: bytes) -> tuple[Any, str | None]:
    """(payload, None), or (what was sent, why it cannot be read)."""
    text = body.decode("utf-8", errors="replace")
    try:
        payload = strict_json.loads(text)
    except ValueError as exc:
        return {"unreadable_body": text[:20000]}, f"the body is not JSON: {str(exc)[:200]}"
    if not isinstance(payload, dict):
        return {"unreadable_body": text[:20000]}, "the body is not a JSON object"
    return payload, None

