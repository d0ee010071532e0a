"""POST /coupons/{code}/redeem: use a coupon at the till, exactly once."""
from __future__ import annotations

from flask import Blueprint
from sqlalchemy.orm import Session

from core import formats
from core.field_errors import FieldErrors
from core.runtime import runtime
from rewards import coupons
from rewards.models import Member
from rewards.order_input import normalise_channel

from .body import check_types, json_object
from .scope import api_endpoint

REDEEM_FIELDS = {"channel": (str, True), "store_id": (str, False), "order_id": (str, False)}
LIMITS = {"store_id": 32, "order_id": 64}


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/coupons/<code>/redeem", "redeem_coupon", redeem_coupon, methods=["POST"])


@api_endpoint
def redeem_coupon(session: Session, code: str):
    body = json_object()
    problems = check_types(body, REDEEM_FIELDS)
    channel = normalise_channel(body.get("channel"))
    if "channel" not in problems and channel is None:
        problems["channel"] = "must be 'store' or 'online'"
    for name, limit in LIMITS.items():
        if name not in problems and len(body.get(name) or "") > limit:
            problems[name] = f"must be at most {limit} characters"
    if problems:
        raise FieldErrors(problems)
    rt = runtime()
    now = rt.clock.now()
    coupon = coupons.redeem_coupon(session, code, channel, body.get("store_id"), body.get("order_id"), now)
    member = session.get(Member, coupon.member_id)
    return {"code": coupon.code, "title": coupon.title(rt.config.BOT_LANGUAGE), "value": coupon.value,
            "member_code": member.member_code if member is not None else None,
            "redeemed_at": formats.instant(coupon.redeemed_at, now.tzinfo),
            "channel": coupon.redeemed_channel, "store_id": coupon.redeemed_store_id,
            "order_id": coupon.redeemed_order_id}, 200
