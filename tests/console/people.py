"""Building members and orders straight into the tables, with exact dates, for the console's tests."""
from __future__ import annotations

import itertools
import uuid
from datetime import datetime

from rewards.models import Member, Order, Refund

_seq = itertools.count(1)


def add_member(session, joined_at: datetime | None, name: str | None = None, status: str = "member",
               **attrs) -> Member:
    n = next(_seq)
    created = attrs.pop("created_at", joined_at)
    member = Member(member_code=f"T{n:07d}", line_user_id=attrs.pop("line_user_id", "U" + uuid.uuid4().hex),
                    display_name=name or f"會員{n}", language=attrs.pop("language", "zh-TW"), status=status,
                    created_at=created, followed_at=created, joined_at=joined_at if status != "friend" else None,
                    consent_at=joined_at, marketing_opt_in=attrs.pop("marketing_opt_in", status == "member"),
                    tier=attrs.pop("tier", "member"), balance=attrs.pop("balance", 0),
                    tags=attrs.pop("tags", []), is_blocked=attrs.pop("is_blocked", False), **attrs)
    session.add(member)
    session.flush()
    return member


def add_order(session, member: Member, amount: int, placed_at: datetime, channel: str = "store",
              store_id: str | None = "S01", status: str = "paid", net_amount: int | None = None) -> Order:
    order = Order(channel=channel, external_id=uuid.uuid4().hex[:20], member_id=member.id, amount=amount,
                  net_amount=amount if net_amount is None else net_amount, status=status, placed_at=placed_at,
                  store_id=store_id if channel == "store" else None, tier_at_order=member.tier,
                  multiplier_pct=100, points_earned=0, request_fingerprint="x" * 64, balance_after=0,
                  tier_after=member.tier, tier_changed=False, created_at=placed_at, updated_at=placed_at)
    session.add(order)
    session.flush()
    if order.net_amount < amount:  # a refund, as rewards.orders.refund records it
        session.add(Refund(order_id=order.id, refund_id="R" + order.external_id, amount=amount - order.net_amount,
                           points_reversed=0, shortfall=0, created_at=placed_at))
        session.flush()
    return order
