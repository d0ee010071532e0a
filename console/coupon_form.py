"""A campaign coupon as staff enter it, the same on a broadcast and a journey step
(messaging/campaign_coupons.py checks it; the form is templates/console/_coupon_fields.html)."""
from __future__ import annotations

from core.field_errors import FieldErrors
from messaging import campaign_coupons

COUPON_FIELDS = ("coupon_value", "coupon_days", "coupon_limit", "coupon_title_zh", "coupon_title_en")


def coupon_from(form, problems: dict[str, str]) -> campaign_coupons.Spec | None:
    """The campaign coupon as entered (no value and no title: none). A refused one is kept as typed
    (a Spec of what was entered, so the form shows it) with its problems."""
    if not (form.get("coupon_value", "").strip() or form.get("coupon_title_zh", "").strip()):
        return None
    try:
        return campaign_coupons.check(*(form.get(f, "") for f in COUPON_FIELDS))
    except FieldErrors as exc:
        problems.update(exc.problems)
        return campaign_coupons.Spec(*(form.get(f, "") for f in COUPON_FIELDS))  # as typed; never saved
