"""GET /qr/<member_code>.png?exp=...&sig=...: the member's QR image, for a signed, unexpired link."""
from __future__ import annotations

from flask import Blueprint, abort, make_response, request

from rewards import coupons, membership

from . import member_qr
from core.runtime import runtime

bp = Blueprint("member_qr", __name__)


def _signed(code: str, purpose: str):
    """The link's expiry and the clock's now, after a 403 for a bad or expired signature."""
    rt = runtime()
    now = rt.clock.now()
    expires, sig = request.args.get("exp"), request.args.get("sig")
    if not member_qr.signature_valid(rt.config.SECRET_KEY, code, expires, sig, now, purpose):
        abort(403)  # before any lookup: without a valid link nobody learns which codes exist
    return rt, now, expires


@bp.get("/qr/<member_code>.png")
def member_qr_image(member_code: str):
    rt, now, expires = _signed(member_code, member_qr.MEMBER)
    with rt.db.session() as session:
        member = membership.by_code(session, member_code)
        is_member = member is not None and member.is_member
    if not is_member:
        abort(404)
    return _png(member_code, expires, now)


@bp.get("/qr/coupon/<code>.png")
def coupon_qr_image(code: str):
    """A coupon's code for the till's scanner, while the coupon can still be used."""
    rt, now, expires = _signed(code, member_qr.COUPON)
    with rt.db.session() as session:
        usable = coupons.is_usable(session, code, now)
    if not usable:  # unknown, used or expired: one answer
        abort(404)
    return _png(code, expires, now)


def _png(code: str, expires: str, now):
    response = make_response(member_qr.qr_png(code))
    response.mimetype = "image/png"
    seconds_left = min(int(expires) - int(now.timestamp()), int(member_qr.DEFAULT_TTL.total_seconds()))
    response.headers["Cache-Control"] = f"private, max-age={max(seconds_left, 0)}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
