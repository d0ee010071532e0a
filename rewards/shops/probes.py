"""A signed test delivery for each platform (the console's "send a test delivery"): a topic the bot
does not handle, signed with the configured secret as the platform signs, so that it is recorded
and ignored, and shows that the address and the secret work together."""
from __future__ import annotations

import json
from datetime import datetime

from . import shopline, signing

TEST_TOPIC = {"shopify": "shop/update", "woocommerce": "action.bot_test_delivery", "shopline": "test/delivery"}


def signed(platform: str, secrets: dict[str, str], shop: str, now: datetime) -> tuple[str, bytes, dict[str, str]]:
    """(path with query, body, headers) of a test delivery for `platform`."""
    stamp = now.isoformat(timespec="seconds")
    delivery_id = f"console-test-{int(now.timestamp() * 1000)}"
    if platform == "shopify":
        body = json.dumps({"id": 0, "name": "test delivery from the console", "sent_at": stamp}).encode()
        return "/webhooks/shopify", body, {
            "X-Shopify-Topic": TEST_TOPIC[platform], "X-Shopify-Shop-Domain": shop, "X-Shopify-Webhook-Id": delivery_id,
            "X-Shopify-Hmac-Sha256": signing.base64_hmac(secrets[platform], body)}
    if platform == "woocommerce":
        body = json.dumps({"action": "bot_test_delivery", "arg": stamp}).encode()
        return "/webhooks/woocommerce", body, {
            "X-WC-Webhook-Topic": TEST_TOPIC[platform], "X-WC-Webhook-Source": shop,
            "X-WC-Webhook-Delivery-ID": delivery_id,
            "X-WC-Webhook-Signature": signing.base64_hmac(secrets[platform], body)}
    payload = {"topic": TEST_TOPIC[platform], "resource": {"sent_at": stamp, "id": delivery_id}}
    timestamp = str(int(now.timestamp()))
    sign = signing.hex_hmac(secrets[platform], f"{timestamp}:{shopline.canonical(payload)}".encode())
    return f"/webhooks/shopline?sign={sign}", json.dumps(payload).encode(), {
        "X-Shopline-Developer-Event-Timestamp": timestamp}
