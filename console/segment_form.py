"""The segment builder's form fields <-> a SegmentFilter, and a filter's conditions in the console's words."""
from __future__ import annotations

from core.formats import money
from insights.segments import SegmentFilter

LISTS = ("tiers", "tags", "interests", "rfm", "birth_months", "channels", "birthday_in")
SINGLES = ("joined_from", "joined_to", "last_purchase_from", "last_purchase_to", "spend_12m_min", "spend_12m_max",
           "orders_min", "orders_max", "subscribed", "last_purchase_over_days", "last_purchase_within_days",
           "joined_within_days", "joined_over_days", "never_bought")
# the members page's own fields, which are not filters
NOT_FILTERS = ("q", "sort", "page")


def filter_from_form(form, tier_codes: tuple[str, ...]) -> SegmentFilter:
    """`form` is request.form or request.args; raises core.field_errors.FieldErrors."""
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


BIRTHDAY_LABELS = {"this_month": "本月 this month", "next_month": "下個月 next month"}


def describe(f: SegmentFilter) -> list[tuple[str, str]]:
    """The conditions in words (label, value), for lists and the broadcast page."""
    parts: list[tuple[str, str]] = []

    def add(label, value):
        parts.append((label, value))

    if f.tiers:
        add("等級 tier", ", ".join(f.tiers))
    if f.tags:
        add("標籤 tags", ", ".join(f.tags))
    if f.interests:
        add("興趣 interests", ", ".join(f.interests))
    if f.rfm:
        add("RFM", ", ".join(f.rfm))
    if f.birth_months:
        add("生日月份 birth month", ", ".join(str(m) for m in f.birth_months))
    if f.joined_from or f.joined_to:
        add("入會 joined", f"{f.joined_from or '…'} – {f.joined_to or '…'}")
    if f.joined_within_days is not None:
        add("入會 joined", f"最近 {f.joined_within_days} 天內 in the last {f.joined_within_days} days")
    if f.joined_over_days is not None:
        add("入會 joined", f"超過 {f.joined_over_days} 天前 more than {f.joined_over_days} days ago")
    if f.birthday_in:
        add("生日 birthday", ", ".join(BIRTHDAY_LABELS[b] for b in f.birthday_in))
    if f.last_purchase_from or f.last_purchase_to:
        add("最近消費 last purchase", f"{f.last_purchase_from or '…'} – {f.last_purchase_to or '…'}")
    if f.last_purchase_over_days is not None:
        add("最近消費 last purchase", f"超過 {f.last_purchase_over_days} 天前 more than {f.last_purchase_over_days} days ago")
    if f.last_purchase_within_days is not None:
        add("最近消費 last purchase",
            f"{f.last_purchase_within_days} 天內 less than {f.last_purchase_within_days} days ago")
    if f.never_bought == "only":
        add("從未消費 never bought", "只有從未消費的會員 only members who never bought")
    elif f.last_purchase_conditions:
        add("從未消費 never bought", "包含 included" if f.never_bought == "include" else "不包含 left out")
    if f.spend_12m_min is not None or f.spend_12m_max is not None:
        add("12 個月消費 12-month spend", f"{money(f.spend_12m_min or 0)} – "
            + (money(f.spend_12m_max) if f.spend_12m_max is not None else "…"))
    if f.orders_min is not None or f.orders_max is not None:
        add("訂單數 orders", f"{f.orders_min or 0} – {f.orders_max if f.orders_max is not None else '…'}")
    if f.channels:
        add("通路 channel", ", ".join(f.channels))
    if f.subscribed:
        add("訂閱 subscribed", f.subscribed)
    return parts or [("全部會員 every member", "")]
