"""The platforms' webhook signatures: HMAC-SHA256 of what they sign, compared in constant time."""
from __future__ import annotations

import base64
import hashlib
import hmac


def base64_hmac(secret: str, message: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()).decode("ascii")


def hex_hmac(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def matches(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected.encode("ascii"), given.strip().encode("ascii", "replace"))
