"""The segment builder's form fields <-> a SegmentFilter."""
from __future__ import annotations

from insights.segments import SegmentFilter

LISTS = ("tiers", "tags", "interests", "rfm", "birth_months", "channels", "birthday_in")
SINGLES = ("joined_from", "joined_to", "last_purchase_from", "last_purchase_to", "spend_12m_min", "spend_12m_max",
           "orders_min", "orders_max", "subscribed", "last_purchase_over_days", "last_purchase_within_days",
           "joined_within_days", "never_bought")
# the members page's own fields, which are not filters
NOT_FILTERS = ("q", "sort", "page")


def filter_from_form(form, tier_codes: tuple[str, ...]) -> SegmentFilter:
    """`form` is request.form or request.args; raises insights.segments.SegmentError."""
    data: dict = {}
    for name in LISTS:
        values = [v for v in form.getlist(name) if v.strip()]
        if name in ("tags", "interests"):  # also typed in, comma separated
            values = [p.strip() for v in values for p in v.replace("，", ",").split(",") if p.strip()]
        if values:
            data[name] = values
    for name in SINGLES:
        value = (form.get(name) or "").strip().replace(",", "")
        if value:
            data[name] = value
    return SegmentFilter.from_dict(data, tier_codes)
