"""POST /orders (record a paid order once) and POST /orders/{channel}/{order_id}/refunds."""
from __future__ import annotations

from typing import Any

from flask import Blueprint
from sqlalchemy.orm import Session

from content import answers
from core.field_errors import FieldErrors
from core.runtime import runtime
from rewards import membership, orders, spends
from rewards.errors import MemberNotFound
from rewards.models import Member, Order
from rewards.order_input import OrderInput

from . import scanned_codes
from .body import check_types, json_object
from .scope import api_endpoint

REFUND_FIELDS = {"refund_id": (str, True), "amount": (int, True)}


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/orders", "create_order", create_order, methods=["POST"])
    # order ids such as "2026/11/20-001" contain slashes
    bp.add_url_rule("/orders/<channel>/<anypath:order_id>/refunds", "create_refund", create_refund, methods=["POST"])


def order_body(result: orders.OrderResult, member: Member) -> dict[str, Any]:
    order = result.order
    return {"channel": order.channel, "order_id": order.external_id, "member_code": member.member_code,
            "amount": order.amount, "points_earned": result.points_earned, "debt_repaid": result.debt_repaid,
            "balance": result.balance, "tier": result.tier, "tier_changed": result.tier_changed}


@api_endpoint
def create_order(session: Session):
    rt = runtime()
    now = rt.clock.now()
    data = OrderInput.parse(json_object(), now, rt.settings)
    # the member locked and read in one statement (record_order takes no lock of its own then)
    member = membership.locked_by_code(session, scanned_codes.member_code_of(data.member_code))
    if member is None or member.status == "erased":
        raise MemberNotFound(fields={"member_code": data.member_code})
    # the store the id names (a store of the content library), for the receipt; unknown ids are kept as written
    store = answers.store_named(answers.stores(session), data.store_id) if data.store_id else None
    # through the domain, so the receipt and any tier-up notice are queued with the points
    result = orders.record_order(session, member, data, now, rt.settings,
                                 store_names=(store.title_zh, store.title_en) if store else None, locked=True)
    return order_body(result, member), 201 if result.created else 200


def order_state(session: Session, order: Order, result: orders.RefundResult) -> dict[str, Any]:
    reversed_, shortfall = orders.refund_totals(session, order)
    spend = spends.of_order(session, order)  # points spent on the order at the till
    return {"channel": order.channel, "order_id": order.external_id, "amount": order.amount,
            "net_amount": order.net_amount, "status": order.status, "points_earned": order.points_earned,
            "points_reversed": reversed_, "shortfall": shortfall,
            "net_points": order.points_earned - reversed_ - shortfall, "balance": result.balance,
            "points_owed": result.points_owed,
            "points_spent": spend.points if spend is not None else 0,
            "points_spent_returned": spend.points_returned if spend is not None else 0,
            "refund": {"refund_id": result.refund.refund_id, "amount": result.refund.amount,
                       "points_reversed": result.points_reversed, "shortfall": result.shortfall,
                       "points_spent_returned": result.spent_points_returned}}


@api_endpoint
def create_refund(session: Session, channel: str, order_id: str):
    body = json_object()
    problems = check_types(body, REFUND_FIELDS)
    if problems:
        raise FieldErrors(problems)
    order = orders.find_order(session, channel, order_id)
    rt = runtime()
    result = orders.refund(session, order, body["refund_id"], body["amount"], rt.clock.now(), rt.settings)
    return order_state(session, order, result), 201 if result.created else 200
