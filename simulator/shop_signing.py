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


def _as_javascript(value):
    """Numbers as JavaScript holds them: 1280.0 is the number 1280."""
    if isinstance(value, dict):
        return {k: _as_javascript(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_javascript(v) for v in value]
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return int(value)
    return value


def sorted_json(value) -> str:
    """SHOPLINE's serialisation before signing (its Node.js sample): keys sorted at every depth, then
    JSON.stringify (no spaces, non-ASCII as is, 1280.0 written 1280)."""
    return json.dumps(_as_javascript(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sign_shopline(secret: str, timestamp: str, payload) -> str:
    """The `sign` query parameter: hex HMAC-SHA256(app secret, "<timestamp>:<sorted JSON body>"),
    the timestamp being the X-Shopline-Developer-Event-Timestamp header."""
    message = f"{timestamp}:{sorted_json(payload)}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
