"""POST /members/{member_code}/points/spend (points as a discount at the till, once per order) and
POST /members/{member_code}/points/spend/{spend_id}/cancel (the points back, once)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint
from sqlalchemy.orm import Session

from core.runtime import runtime
from rewards import membership, spends
from rewards.errors import MemberNotFound
from rewards.models import Member, PointsSpend

from . import scanned_codes
from .body import json_object
from .scope import api_endpoint


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/members/<member_code>/points/spend", "spend_points", spend_points, methods=["POST"])
    bp.add_url_rule("/members/<member_code>/points/spend/<spend_id>/cancel", "cancel_spend", cancel_spend,
                    methods=["POST"])


def _member(session: Session, member_code: str) -> Member:
    member_code = scanned_codes.member_code_of(member_code)  # the printed code, or the card page's current one
    member = membership.by_code(session, member_code) if len(member_code) <= 16 else None
    if member is None or not member.is_member:
        raise MemberNotFound(fields={"member_code": member_code})
    return member


def spend_body(spend: PointsSpend) -> dict[str, Any]:
    return {"spend_id": spend.spend_id, "order_id": spend.order_id, "channel": spend.channel, "points": spend.points,
            "discount": spend.discount, "balance": spend.balance_after}


@api_endpoint
def spend_points(session: Session, member_code: str):
    body = json_object()
    member = _member(session, member_code)
    rt = runtime()
    result = spends.spend_points(session, member, body.get("order_id"), body.get("points"), rt.clock.now(),
                                 rt.settings, channel=body["channel"] if body.get("channel") is not None else "store")
    return spend_body(result.spend), 201 if result.created else 200


@api_endpoint
def cancel_spend(session: Session, member_code: str, spend_id: str):
    member = _member(session, member_code)
    rt = runtime()
    spend = spends.cancel(session, member, spend_id, rt.clock.now(), rt.settings).spend
    return {**spend_body(spend), "status": spend.status, "points_returned": spend.points_returned,
            "balance": spend.cancel_balance}, 200
