"""GET /qr/<member_code>.png?exp=...&sig=...: the member's QR image, for a signed, unexpired link."""
from __future__ import annotations

from flask import Blueprint, abort, make_response, request

from rewards import membership

from . import member_qr
from core.runtime import runtime

bp = Blueprint("member_qr", __name__)


@bp.get("/qr/<member_code>.png")
def member_qr_image(member_code: str):
    rt = runtime()
    now = rt.clock.now()
    expires, sig = request.args.get("exp"), request.args.get("sig")
    if not member_qr.signature_valid(rt.config.SECRET_KEY, member_code, expires, sig, now):
        abort(403)  # before any lookup: without a valid link nobody learns which codes exist
    with rt.db.session() as session:
        member = membership.by_code(session, member_code)
        is_member = member is not None and member.is_member
    if not is_member:
        abort(404)
    response = make_response(member_qr.qr_png(member_code))
    response.mimetype = "image/png"
    seconds_left = min(int(expires) - int(now.timestamp()), int(member_qr.DEFAULT_TTL.total_seconds()))
    response.headers["Cache-Control"] = f"private, max-age={max(seconds_left, 0)}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
