"""The member pages' data (JSON under /liff/api/), worded in the member's language from bot/texts.py,
with the codes drawn as SVG (bot/barcodes.py). Each function reads what one page shows."""
from __future__ import annotations

from datetime import date, datetime
from urllib.parse import quote

from sqlalchemy.orm import Session

from content import answers
from core import emails
from core import formats as fmt
from rewards import card_codes, coupons, ledger, profile, tiers
from rewards.models import Member
from rewards.settings import ProgramSettings

from . import barcodes
from .ledger_lines import ledger_line
from .texts import Texts


def card(session: Session, member: Member, now: datetime, settings: ProgramSettings, code_key: bytes) -> dict:
    t = Texts(member.language)
    status = tiers.tier_status(session, member, now, settings)
    rotating = card_codes.current(code_key, member.member_code, now)
    expiring = ledger.expiring_next(session, member, now)
    if status.next_tier is None:
        progress, percent = t("card.top"), 100
    else:
        progress = t("card.progress", spend=fmt.money(status.spend_to_next), tier=status.next_tier.name(t.language))
        percent = min(99, int(100 * status.spend / status.next_tier.threshold)) if status.next_tier.threshold else 0
    body = {"language": t.language, "name": member.display_name or "", "member_code": member.member_code,
            "code": rotating.code, "code_valid_until": rotating.valid_until,
            "seconds_left": max(1, rotating.valid_until - int(now.timestamp())),
            "qr": barcodes.qr_svg(rotating.code), "barcode": barcodes.code128_svg(rotating.code),
            "points": fmt.number(member.balance), "tier": status.tier.name(t.language), "tier_code": status.tier.code,
            "progress": progress, "progress_percent": percent,
            "expiring": t("card.expiring", points=fmt.number(expiring[0]), date=fmt.day(expiring[1], t.language))
            if expiring else None,
            "carrier": None}
    if member.einvoice_carrier:
        body["carrier"] = {"text": member.einvoice_carrier, "barcode": barcodes.code39_svg(member.einvoice_carrier)}
    return body


def wallet(session: Session, member: Member, now: datetime) -> dict:
    t = Texts(member.language)
    found = coupons.wallet(session, member, now)

    def one(coupon, state: str) -> dict:
        item = {"code": coupon.code, "title": coupon.title(t.language), "value": t("coupons.value", value=fmt.money(coupon.value))}
        if state == "active":
            item["until"] = t("coupons.until", date=_last_day(coupon.valid_until, now, t.language))
            item["barcode"] = barcodes.code128_svg(coupon.code)
        elif state == "used":
            item["until"] = t("liff.wallet.used_on", date=fmt.day(coupon.redeemed_at, t.language, now.tzinfo))
        else:
            item["until"] = t("liff.wallet.expired_on", date=_last_day(coupon.valid_until, now, t.language))
        return item

    return {"language": t.language, **{state: [one(c, state) for c in rows] for state, rows in found.items()}}


def _last_day(until: datetime, now: datetime, language: str) -> str:
    return fmt.day(date.fromisoformat(fmt.last_day(until, now.tzinfo)), language)


def history(session: Session, member: Member, now: datetime) -> dict:
    t = Texts(member.language)
    rows = ledger.history(session, member, limit=50)
    return {"language": t.language, "points": fmt.number(member.balance),
            "rows": [{"date": fmt.day(r.created_at, t.language, now.tzinfo), "delta": fmt.signed(r.delta),
                      "plus": r.delta > 0, "text": ledger_line(r.reason_code, r.reason_params, t)} for r in rows]}


def profile_of(member: Member, now: datetime, masked_phone: str | None) -> dict:
    t = Texts(member.language)
    birthday = (f"{member.birthday_month:02d}-{member.birthday_day:02d}" if member.birthday_month else None)
    return {"language": t.language, "name": member.display_name or "", "birthday": birthday,
            "phone": masked_phone, "phone_verified": member.phone_verified_at is not None,
            "email": emails.mask(member.email) if member.email_verified_at else None,
            "email_verified": member.email_verified_at is not None,
            "interests": profile.interests_of(member),
            "interest_choices": [{"key": k, "label": t(f"liff.profile.interest.{k}")} for k in profile.INTERESTS],
            "marketing_opt_in": bool(member.marketing_opt_in),
            "consent_changed": t("liff.profile.consent_at", date=fmt.day(member.opt_in_changed_at, t.language, now.tzinfo))
            if member.opt_in_changed_at else None,
            "carrier": member.einvoice_carrier or ""}


def field_errors(codes: dict[str, str], language: str) -> dict[str, str]:
    """A form's bad fields in the member's words."""
    t = Texts(language)
    known = {"required", "too_long", "not_a_date", "future", "too_old", "locked", "unknown", "format"}
    return {field: t(f"liff.field.{code if code in known else 'invalid'}") for field, code in codes.items()}


def stores(session: Session, language: str) -> dict:
    t = Texts(language)
    found = []
    for store in answers.stores(session):
        place = f"{store.lat},{store.lng}" if store.lat is not None and store.lng is not None else store.address(t.language)
        found.append({"name": store.title(t.language), "address": store.address(t.language), "hours": store.hours,
                      "phone": store.phone,
                      "map": store.map_url or ("https://www.google.com/maps/search/?api=1&query=" + quote(place) if place else None)})
    return {"language": t.language, "stores": found}
