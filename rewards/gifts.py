"""The welcome gift for a member who joins: points or a coupon, per `settings.welcome_gift_kind`."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from . import coupons, ledger
from .models import Coupon, Member, PointsLedger
from .settings import ProgramSettings
from core.timeutil import end_of_local_day, require_aware


@dataclass(frozen=True)
class WelcomeGift:
    kind: str  # "points" or "coupon"
    points: int = 0
    entry: PointsLedger | None = None
    coupon: Coupon | None = None


def welcome_given(session: Session, member: Member) -> bool:
    key = coupons.welcome_key(member.id)
    return ledger.entry_for_key(session, key) is not None or coupons._by_key(session, key) is not None


def give_welcome_gift(session: Session, member: Member, now: datetime, settings: ProgramSettings,
                      titles: coupons.CouponTitles) -> WelcomeGift | None:
    """Give the gift once per member row, ever (ledger key / coupon uniqueness key `welcome:{id}`,
    checked both ways, so changing the setting later gives nobody a second gift). None if given
    before or if the gift is configured as nothing (0 points / NT$0). A coupon gets `titles("welcome", value)`."""
    require_aware(now)
    if welcome_given(session, member):
        return None
    key = coupons.welcome_key(member.id)
    if settings.welcome_gift_kind == "coupon":
        if settings.welcome_coupon_value <= 0:
            return None
        until = end_of_local_day((now + timedelta(days=settings.welcome_coupon_valid_days)).date(), now)
        value = settings.welcome_coupon_value
        coupon = coupons.issue(session, member, "welcome", value, until, now, titles("welcome", value), key)
        return WelcomeGift("coupon", coupon=coupon) if coupon is not None else None
    if settings.welcome_gift_kind != "points":
        raise ValueError(f"unknown welcome_gift_kind {settings.welcome_gift_kind!r}")
    points = settings.welcome_gift_points
    if points <= 0:
        return None
    row = ledger.credit(session, member, points, "bonus", "welcome", {"points": points}, key, now, settings)
    return WelcomeGift("points", points=points, entry=row) if row is not None else None
