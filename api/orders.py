"""POST /orders (record a paid order once) and POST /orders/{channel}/{order_id}/refunds."""
from __future__ import annotations

from typing import Any

from flask import Blueprint
from sqlalchemy.orm import Session

from core.field_errors import FieldErrors
from core.runtime import runtime
from rewards import membership, orders
from rewards.errors import MemberNotFound
from rewards.models import Member, Order

from .body import check_types, is_int, json_object
from .scope import api_endpoint

ORDER_FIELDS = {"channel": (str, True), "order_id": (str, True), "member_code": (str, True),
                "amount": (int, True), "placed_at": (str, True), "store_id": (str, False), "items": (list, False)}
REFUND_FIELDS = {"refund_id": (str, True), "amount": (int, True)}
ITEM_FIELDS = {"sku": (str, True), "name": (str, False), "category": (str, False), "quantity": (int, True),
               "price": (int, True)}


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/orders", "create_order", create_order, methods=["POST"])
    # order ids such as "2026/11/20-001" contain slashes
    bp.add_url_rule("/orders/<channel>/<path:order_id>/refunds", "create_refund", create_refund, methods=["POST"])


def item_problems(items: Any) -> dict[str, str]:
    """The API is stricter than an import file about line items: each is an object of known shape."""
    if not isinstance(items, list):
        return {}
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            return {f"items[{index}]": "must be an object"}
        problems = check_types(item, ITEM_FIELDS)
        for name in ("quantity", "price"):
            if name not in problems and is_int(item.get(name)) and item[name] < 0:
                problems[name] = "must not be negative"
        if problems:
            return {f"items[{index}].{name}": what for name, what in problems.items()}
    return {}


def order_body(result: orders.OrderResult, member: Member) -> dict[str, Any]:
    order = result.order
    return {"channel": order.channel, "order_id": order.external_id, "member_code": member.member_code,
            "amount": order.amount, "points_earned": result.points_earned, "balance": result.balance,
            "tier": result.tier, "tier_changed": result.tier_changed}


@api_endpoint
def create_order(session: Session):
    body = json_object()
    problems = {**check_types(body, ORDER_FIELDS), **item_problems(body.get("items"))}
    try:
        data = orders.parse_order(body)
    except FieldErrors as exc:
        problems = {**exc.problems, **problems}
    if problems:
        raise FieldErrors(problems)
    member = membership.by_code(session, data.member_code)
    if member is None or member.status == "erased":
        raise MemberNotFound(fields={"member_code": data.member_code})
    rt = runtime()
    # through the domain, so the receipt and any tier-up notice are queued with the points
    result = orders.record_order(session, member, data.channel, data.order_id, data.amount, data.placed_at,
                                 data.store_id, data.items, rt.clock.now(), rt.settings)
    return order_body(result, member), 201 if result.created else 200


def order_state(session: Session, order: Order, result: orders.RefundResult) -> dict[str, Any]:
    reversed_, shortfall = orders.refund_totals(session, order)
    return {"channel": order.channel, "order_id": order.external_id, "amount": order.amount,
            "net_amount": order.net_amount, "status": order.status, "points_earned": order.points_earned,
            "points_reversed": reversed_, "shortfall": shortfall,
            "net_points": order.points_earned - reversed_ - shortfall, "balance": result.balance,
            "refund": {"refund_id": result.refund.refund_id, "amount": result.refund.amount,
                       "points_reversed": result.points_reversed, "shortfall": result.shortfall}}


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
