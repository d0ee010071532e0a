"""Coupons: issue once (the database enforces the "once" rules), redeem once (one conditional UPDATE)."""
from __future__ import annotations

from datetime import datetime
from typing import Callable, Mapping, Sequence

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .codes import COUPON_CODE_LENGTH, normalise, random_code
from .errors import CouponAlreadyRedeemed, CouponExpired, CouponNotFound, CouponNotYetValid
from .models import COUPON_KINDS, Coupon, Member, Reward
from core.timeutil import require_aware
from .tx import ensure_transaction, savepoint

Titles = Sequence[str] | Mapping[str, str]
# (kind, value) -> (zh-TW title, en title) of a gift coupon: the words are the edge's (bot.texts.coupon_titles);
# the domain keeps them on the coupon it issues, so the till, the API and the chat show the same
CouponTitles = Callable[[str, int], tuple[str, str]]


def welcome_key(member_id: int) -> str:
    """One welcome gift per member, ever."""
    return f"welcome:{member_id}"


def birthday_key(member_id: int, year: int) -> str:
    """One birthday coupon per member per calendar year."""
    return f"birthday:{member_id}:{year}"


def _titles(titles: Titles) -> tuple[str, str]:
    if isinstance(titles, Mapping):
        zh = titles.get("zh") or titles.get("zh-TW") or titles.get("zh_TW") or titles.get("en")
        en = titles.get("en") or zh
    else:
        zh, en = titles
    if not zh or not en:
        raise ValueError("a coupon needs a zh-TW and an en title")
    return str(zh)[:200], str(en)[:200]


def _by_key(session: Session, uniqueness_key: str) -> Coupon | None:
    return session.scalar(select(Coupon).where(Coupon.uniqueness_key == uniqueness_key))


def issue(session: Session, member: Member, kind: str, value: int, valid_until: datetime, now: datetime,
          titles: Titles, uniqueness_key: str | None = None, *, valid_from: datetime | None = None,
          reward: Reward | None = None) -> Coupon | None:
    """Give the member a new coupon with a fresh unguessable code. Returns None (and gives nothing)
    when `uniqueness_key` was used before, e.g. `welcome_key(id)` or `birthday_key(id, year)`."""
    require_aware(now)
    require_aware(valid_until, "valid_until")
    if kind not in COUPON_KINDS:
        raise ValueError(f"unknown coupon kind {kind!r}")
    if not isinstance(value, int) or value < 0:
        raise ValueError("a coupon's value is a non-negative number of NT$")
    start = valid_from or now
    require_aware(start, "valid_from")
    if valid_until <= start:
        raise ValueError("valid_until must be after valid_from")
    title_zh, title_en = _titles(titles)
    if uniqueness_key is not None and _by_key(session, uniqueness_key) is not None:
        return None
    for _attempt in range(5):
        coupon = Coupon(code=random_code(COUPON_CODE_LENGTH), member_id=member.id, kind=kind, title_zh=title_zh,
                        title_en=title_en, value=value, valid_from=start, valid_until=valid_until,
                        uniqueness_key=uniqueness_key, reward_id=reward.id if reward is not None else None,
                        created_at=now)
        try:
            with savepoint(session):
                session.add(coupon)
                session.flush()
            return coupon
        except IntegrityError:
            if uniqueness_key is not None and _by_key(session, uniqueness_key) is not None:
                return None
            if session.scalar(select(Coupon.id).where(Coupon.code == coupon.code)) is None:
                raise
            # a code collision (about one in 10^17 per pair): draw again
    raise RuntimeError("could not draw an unused coupon code")


def is_usable(session: Session, code: str, now: datetime) -> bool:
    """The coupon with this code exists and can be used now (not redeemed, within its dates)."""
    require_aware(now)
    return session.scalar(select(Coupon.id).where(Coupon.code == code, Coupon.redeemed_at.is_(None),
                                                  Coupon.valid_from <= now, Coupon.valid_until > now)) is not None


def active_coupons(session: Session, member: Member, now: datetime) -> list[Coupon]:
    """Coupons the member can use now, the soonest to expire first."""
    require_aware(now)
    return list(session.scalars(
        select(Coupon).where(Coupon.member_id == member.id, Coupon.redeemed_at.is_(None),
                             Coupon.valid_from <= now, Coupon.valid_until > now)
        .order_by(Coupon.valid_until, Coupon.id)))


def redeem_coupon(session: Session, code: str, channel: str, store_id: str | None, order_id: str | None,
                  now: datetime, *, member: Member | None = None) -> Coupon:
    """Use a coupon, once. One conditional UPDATE decides; concurrent tries get exactly one success.
    `order_id` is the shop's own order reference. With `member`, only that member's coupon is found.
    Raises CouponNotFound, CouponAlreadyRedeemed(redeemed_at, where), CouponExpired, CouponNotYetValid."""
    require_aware(now)
    if not channel or len(channel) > 12:
        raise ValueError("channel must be 1-12 characters")
    norm = normalise(code)
    if not 0 < len(norm) <= 32:
        raise CouponNotFound()
    owner = (Coupon.member_id == member.id,) if member is not None else ()
    ensure_transaction(session)
    result = session.execute(
        update(Coupon).where(Coupon.code == norm, Coupon.redeemed_at.is_(None), Coupon.valid_from <= now,
                             Coupon.valid_until > now, *owner)
        .values(redeemed_at=now, redeemed_channel=channel, redeemed_store_id=(store_id or None),
                redeemed_order_id=(order_id or None))
        .execution_options(synchronize_session=False))
    coupon = session.execute(select(Coupon).where(Coupon.code == norm, *owner)
                             .execution_options(populate_existing=True)).scalar_one_or_none()
    if result.rowcount == 1 and coupon is not None:
        return coupon
    if coupon is None:
        raise CouponNotFound()
    if coupon.redeemed_at is not None:
        where = " ".join(p for p in (coupon.redeemed_channel, coupon.redeemed_store_id) if p) or None
        raise CouponAlreadyRedeemed(coupon.redeemed_at.astimezone(now.tzinfo), where)
    if coupon.valid_until <= now:
        raise CouponExpired(coupon.valid_until.astimezone(now.tzinfo))
    if coupon.valid_from > now:
        raise CouponNotYetValid(fields={"valid_from": coupon.valid_from})
    raise CouponAlreadyRedeemed(None, None)  # the row changed between our UPDATE and SELECT


def wallet(session: Session, member: Member, now: datetime, limit: int = 60) -> dict[str, list[Coupon]]:
    """The member's coupons as their wallet shows them: active (soonest to expire first), used and
    expired (latest first), at most `limit` in all."""
    require_aware(now)
    rows = session.scalars(select(Coupon).where(Coupon.member_id == member.id)
                           .order_by(Coupon.valid_until.desc(), Coupon.id.desc()).limit(limit))
    found: dict[str, list[Coupon]] = {"active": [], "used": [], "expired": []}
    for coupon in rows:
        state = ("used" if coupon.redeemed_at is not None else "expired" if coupon.valid_until <= now
                 else "active" if coupon.valid_from <= now else None)
        if state:
            found[state].append(coupon)
    found["active"].reverse()
    return found
