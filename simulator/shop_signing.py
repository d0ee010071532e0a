"""How the online shop platforms sign their webhooks, as their documentation says (the simulated
shops and the tests sign with these; the bot checks with its own code, rewards/shops/)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json


def sign_shopify(secret: str, body: bytes) -> str:
    """X-Shopify-Hmac-Sha256: base64 of HMAC-SHA256(secret, raw body)."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def sign_woocommerce(secret: str, body: bytes) -> str:
    """X-WC-Webhook-Signature: base64 of HMAC-SHA256(secret, raw body) (WC_Webhook::generate_signature)."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def sorted_json(value) -> str:
    """SHOPLINE's serialisation before signing: keys sorted at every depth, JSON.stringify's spacing."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sign_shopline(secret: str, timestamp: str, payload) -> str:
    """The `sign` query parameter: hex HMAC-SHA256(app secret, "<timestamp>:<sorted JSON body>"),
    the timestamp being the X-Shopline-Developer-Event-Timestamp header."""
    message = f"{timestamp}:{sorted_json(payload)}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
