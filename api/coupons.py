"""POST /coupons/{code}/redeem: use a coupon at the till, exactly once."""
from __future__ import annotations

from flask import Blueprint
from sqlalchemy.orm import Session

from core import formats
from core.field_errors import FieldErrors
from core.runtime import runtime
from rewards import coupons
from rewards.models import Member
from rewards.order_input import check_text, normalise_channel

from .body import check_types, json_object
from .scope import api_endpoint

REDEEM_FIELDS = {"channel": (str, True), "store_id": (str, False), "order_id": (str, False)}


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/coupons/<code>/redeem", "redeem_coupon", redeem_coupon, methods=["POST"])


@api_endpoint
def redeem_coupon(session: Session, code: str):
    body = json_object()
    problems = check_types(body, REDEEM_FIELDS)
    channel = normalise_channel(body.get("channel"))
    if "channel" not in problems and channel is None:
        problems["channel"] = "must be 'store' or 'online'"
    # the same rules as an order's store_id and order_id: one line, their lengths, trimmed
    store_id, order_id = (check_text(body.get(name), name, problems, required=False) if name not in problems else None
                          for name in ("store_id", "order_id"))
    if problems:
        raise FieldErrors(problems)
    rt = runtime()
    now = rt.clock.now()
    coupon = coupons.redeem_coupon(session, code, channel, store_id, order_id, now)
    member = session.get(Member, coupon.member_id)
    return {"code": coupon.code, "title": coupon.title(rt.config.BOT_LANGUAGE), "value": coupon.value,
            "member_code": member.member_code if member is not None else None,
            "redeemed_at": formats.instant(coupon.redeemed_at, now.tzinfo),
            "channel": coupon.redeemed_channel, "store_id": coupon.redeemed_store_id,
            "order_id": coupon.redeemed_order_id}, 200
