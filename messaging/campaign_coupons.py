"""Campaign coupons: a coupon for each recipient of a campaign (a broadcast, or a journey step), with
its own unguessable code, a value, an expiry and a limit on how many are given; redeemed at the till
like any coupon (POST /api/v1/coupons/redeem) and reported with the campaign.

A campaign's coupons are kind `campaign` and are found by their uniqueness key
`campaign:{campaign}:{member_id}` (a broadcast's campaign is `bc{id}`), which also makes a member's
coupon of a campaign one, however often the campaign is queued again. The limit counts coupons
given, in member order; members beyond it get the message without a coupon.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import String, and_, cast, func, literal, select
from sqlalchemy.orm import Session

from core.bulk import insert_new_counted
from core.field_errors import FieldErrors
from rewards import coupons
from rewards.codes import COUPON_CODE_LENGTH, random_codes
from rewards.models import Coupon, Member
from core.timeutil import require_aware

MAX_VALUE = 100_000
MAX_DAYS = 365


@dataclass(frozen=True)
class Spec:
    """What staff set: NT$ off, days it stays valid after it is given, at most how many (None: all)."""
    value: int
    days: int
    limit: int | None = None
    title_zh: str = ""
    title_en: str = ""

    def as_dict(self) -> dict:
        return {"value": self.value, "days": self.days, "limit": self.limit, "title_zh": self.title_zh,
                "title_en": self.title_en}


def check(value, days, limit, title_zh: str, title_en: str) -> Spec:
    """A coupon from staff input (strings or numbers); FieldErrors in both languages."""
    problems = {}

    def number(v, field, low, high, zh, en):
        try:
            n = int(str(v).strip())
        except (TypeError, ValueError):
            n = None
        if n is None or not low <= n <= high:
            problems[field] = f"{zh}須為 {low:,}–{high:,}。{en} is {low:,}–{high:,}."
        return n

    v = number(value, "coupon_value", 1, MAX_VALUE, "優惠券折抵金額", "The coupon's value (NT$)")
    d = number(days, "coupon_days", 1, MAX_DAYS, "優惠券有效天數", "The days a coupon stays valid")
    lim = None if str(limit or "").strip() == "" else number(limit, "coupon_limit", 1, 10_000_000,
                                                           "優惠券張數上限", "The most coupons given")
    if not (title_zh or "").strip():
        problems["coupon_title_zh"] = "請填寫優惠券名稱（中文）。The coupon needs a Chinese title."
    if problems:
        raise FieldErrors(problems)
    return Spec(v, d, lim, title_zh.strip()[:200], (title_en or title_zh).strip()[:200])


def key(campaign: str, member_id: int) -> str:
    return f"campaign:{campaign}:{member_id}"


def key_column(campaign: str, member_id_column):
    return literal(f"campaign:{campaign}:", String) + cast(member_id_column, String)


def issue_for(session: Session, member: Member, campaign: str, spec: Spec, now: datetime) -> Coupon | None:
    """One member's coupon of a campaign (a journey step calls this); None if they have it already or
    the campaign's limit is reached."""
    require_aware(now)
    if spec.limit is not None and issued(session, campaign) >= spec.limit:
        return None
    until = now + _days(spec)
    return coupons.issue(session, member, "campaign", spec.value, until, now, (spec.title_zh, spec.title_en),
                         key(campaign, member.id))


def _days(spec: Spec) -> timedelta:
    return timedelta(days=spec.days)


def issue_many(session: Session, campaign: str, member_ids: list[int], spec: Spec, valid_until: datetime,
               now: datetime) -> int:
    """Coupons for these members (in id order, up to the limit), in one INSERT; returns how many were given."""
    require_aware(now)
    have = set(session.scalars(select(Coupon.uniqueness_key).where(
        Coupon.uniqueness_key.in_([key(campaign, m) for m in member_ids])))) if member_ids else set()
    wanted = [m for m in sorted(member_ids) if key(campaign, m) not in have]
    if spec.limit is not None:
        wanted = wanted[:max(0, spec.limit - issued(session, campaign))]
    if not wanted:
        return 0
    codes = random_codes(len(wanted), COUPON_CODE_LENGTH)
    rows = [{"code": code, "member_id": m, "kind": "campaign", "title_zh": spec.title_zh, "title_en": spec.title_en,
             "value": spec.value, "valid_from": now, "valid_until": valid_until, "uniqueness_key": key(campaign, m),
             "created_at": now} for m, code in zip(wanted, codes)]
    return insert_new_counted(session, Coupon.__table__, rows)


def issued(session: Session, campaign: str) -> int:
    return int(session.scalar(select(func.count()).select_from(Coupon).where(
        Coupon.kind == "campaign", Coupon.uniqueness_key.like(f"campaign:{campaign}:%"))) or 0)


@dataclass(frozen=True)
class Report:
    issued: int
    redeemed: int
    redeemed_value: int  # NT$ taken off at the till

    @property
    def redeemed_rate(self) -> float | None:
        return self.redeemed / self.issued if self.issued else None


def report(session: Session, campaign: str) -> Report:
    n, used, value = session.execute(
        select(func.count(), func.count(Coupon.redeemed_at),
               func.coalesce(func.sum(Coupon.value).filter(Coupon.redeemed_at.is_not(None)), 0))
        .where(Coupon.kind == "campaign", Coupon.uniqueness_key.like(f"campaign:{campaign}:%"))).one()
    return Report(int(n), int(used), int(value))


def code_column(campaign: str, member_id_column):
    """A scalar subquery: the member's coupon code of the campaign (NULL without one)."""
    return (select(Coupon.code).where(and_(Coupon.uniqueness_key == key_column(campaign, member_id_column)))
            .scalar_subquery())
