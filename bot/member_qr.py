"""The member code as a QR image behind an expiring signed link (the member card's hero image).

The link is `{public_url}/qr/{member_code}.png?exp={unix time}&sig={HMAC-SHA256}`; whoever holds it
can fetch the image until it expires, and nobody can make one for another code without SECRET_KEY.
A coupon shown in chat carries its code the same way (`/qr/coupon/{code}.png`, signed for that
purpose, so a member-card link cannot be turned into a coupon link or back).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import io
from datetime import datetime, timedelta
from urllib.parse import urlencode

import qrcode
from qrcode.constants import ERROR_CORRECT_M

DEFAULT_TTL = timedelta(hours=24)
MIN_SIDE = 480  # px; LINE wants 240+ for a flex image, and a till's scanner likes it larger


MEMBER = "member-qr"
COUPON = "coupon-qr"


def qr_path(member_code: str, purpose: str = MEMBER) -> str:
    return f"/qr/coupon/{member_code}.png" if purpose == COUPON else f"/qr/{member_code}.png"


def signature(secret_key: str, member_code: str, expires: int, purpose: str = MEMBER) -> str:
    message = f"{purpose}\n{member_code}\n{expires}".encode()
    digest = hmac.new(secret_key.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def signed_qr_url(public_url: str, secret_key: str, member_code: str, now: datetime,
                  ttl: timedelta = DEFAULT_TTL, purpose: str = MEMBER) -> str:
    """The image's link, valid for `ttl` from `now`. `public_url` is https in production (LINE
    fetches images only over https)."""
    expires = int((now + ttl).timestamp())
    query = urlencode({"exp": expires, "sig": signature(secret_key, member_code, expires, purpose)})
    return f"{public_url.rstrip('/')}{qr_path(member_code, purpose)}?{query}"


def signed_coupon_url(public_url: str, secret_key: str, code: str, now: datetime) -> str:
    return signed_qr_url(public_url, secret_key, code, now, purpose=COUPON)


def signature_valid(secret_key: str, member_code: str, expires: str | None, sig: str | None,
                    now: datetime, purpose: str = MEMBER) -> bool:
    """True for an untampered link that has not expired."""
    # ASCII digits only: "²" is a digit to str.isdigit but not to int()
    if not expires or not sig or not (expires.isascii() and expires.isdigit()) or len(expires) > 12:
        return False
    expected = signature(secret_key, member_code, int(expires), purpose)
    return hmac.compare_digest(expected, sig) and int(expires) > now.timestamp()


def qr_png(member_code: str) -> bytes:
    """A black-on-white QR code of the member code, at least MIN_SIDE pixels square."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)
    code.add_data(member_code)
    code.make(fit=True)
    code.box_size = -(-MIN_SIDE // (code.modules_count + 2 * code.border))  # ceiling division
    out = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(out, format="PNG")
    return out.getvalue()
