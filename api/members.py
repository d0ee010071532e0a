"""GET /members/{member_code} and GET /members?line_user_id=...|phone=...: what the till needs to know.
A phone number finds only the member who verified it (core/phones.py reads any writing of it)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, request
from sqlalchemy.orm import Session

from core import formats, phones
from core.field_errors import FieldErrors
from core.runtime import runtime
from rewards import coupons, ledger, membership
from rewards.errors import MemberNotFound
from rewards.models import Member

from . import scanned_codes
from .errors import ApiError
from .scope import api_endpoint

LOOKUP_KEYS = ("line_user_id", "phone")


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/members/<member_code>", "get_member", get_member, methods=["GET"])
    bp.add_url_rule("/members", "find_member", find_member, methods=["GET"])


def member_body(session: Session, member: Member) -> dict[str, Any]:
    rt = runtime()
    now = rt.clock.now()
    tier = rt.settings.tier(member.tier)
    language = rt.config.BOT_LANGUAGE
    expiring = ledger.expiring_next(session, member, now)
    return {
        "member_code": member.member_code,
        "display_name": member.display_name,
        "tier": tier.code,
        "tier_name": tier.name(language),
        "balance": ledger.balance_of(session, member.id),
        "points_expiring_next": {"amount": expiring[0], "date": expiring[1].isoformat()} if expiring else None,
        "coupons": [{"code": c.code, "title": c.title(language), "value": c.value,
                     "valid_until": formats.instant(c.valid_until, now.tzinfo),
                     "last_day": formats.last_day(c.valid_until, now.tzinfo)}
                    for c in coupons.active_coupons(session, member, now)],
    }


def _usable(member: Member | None) -> Member:
    # friends who never joined and erased members are not members the shops can see
    if member is None or not member.is_member:
        raise MemberNotFound()
    return member


@api_endpoint
def get_member(session: Session, member_code: str):
    """By member code, or by the card page's rotating code while it is current (api/scanned_codes.py)."""
    member_code = scanned_codes.member_code_of(member_code)
    member = membership.by_code(session, member_code) if len(member_code) <= 16 else None
    return member_body(session, _usable(member)), 200


@api_endpoint
def find_member(session: Session):
    given = {k: request.args.get(k, "").strip() for k in LOOKUP_KEYS if k in request.args}
    if len(given) != 1 or not next(iter(given.values())):
        raise ApiError(400, "invalid_query", "give exactly one of line_user_id or phone",
                       {k: "give exactly one of line_user_id or phone" for k in LOOKUP_KEYS})
    (key, value), = given.items()
    if key == "line_user_id":
        member = membership.by_line_user(session, value) if len(value) <= 64 else None
        return member_body(session, _usable(member)), 200
    return member_body(session, _usable(membership.by_verified_phone(session, _phone(value)))), 200


def _phone(value: str) -> str:
    """The number in E.164 however the till wrote it (0912-345-678, +886 912 345 678), or a 422 saying why not."""
    try:
        return phones.parse(value, allow_foreign=True).e164
    except phones.PhoneError as exc:
        raise FieldErrors({"phone": str(exc)}, {"phone": exc.code}) from None
