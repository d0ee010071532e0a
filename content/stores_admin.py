"""The shop's stores in the console: name, address, opening hours, phone and map, in both languages.

Stores are seeded from the library files (content/library/store-*.md); once staff edit one here, the
database's version is the truth and no file or sync overwrites it (content/library_sync.py).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.field_errors import FieldErrors
from core.timeutil import require_aware

from .library_admin import mark_edited
from .library_files import MAX_BODY, MAX_TITLE, answer_details
from .models import ContentItem

ADDRESS_MAX = 200
PHONE_MAX = 40


@dataclass(frozen=True)
class StoreFields:
    title_zh: str
    title_en: str = ""
    address_zh: str = ""
    address_en: str = ""
    hours: str = ""
    phone: str = ""
    map_url: str = ""
    body_zh: str = ""
    body_en: str = ""
    status: str = "active"

    @classmethod
    def of(cls, item: ContentItem) -> "StoreFields":
        d = item.details or {}
        return cls(item.title_zh, item.title_en, d.get("address_zh") or "", d.get("address_en") or "",
                   d.get("hours") or "", d.get("phone") or "", d.get("map_url") or "", item.body_zh, item.body_en,
                   item.status if item.status != "retired" else "draft")

    @classmethod
    def from_form(cls, form) -> "StoreFields":
        return cls(**{name: (form.get(name) or "").strip() for name in cls.__dataclass_fields__})


def check(fields: StoreFields, place: dict | None = None) -> dict:
    """The store's details as the files give them (the same checks as a library file), or every problem."""
    problems: dict[str, str] = {}
    if not fields.title_zh or len(fields.title_zh) > MAX_TITLE:
        problems["title_zh"] = f"a name of 1-{MAX_TITLE} characters is required"
    if len(fields.title_en) > MAX_TITLE:
        problems["title_en"] = f"at most {MAX_TITLE} characters"
    for name in ("address_zh", "address_en"):
        if len(getattr(fields, name)) > ADDRESS_MAX:
            problems[name] = f"at most {ADDRESS_MAX} characters"
    if len(fields.phone) > PHONE_MAX:
        problems["phone"] = f"at most {PHONE_MAX} characters"
    for name in ("body_zh", "body_en"):
        if len(getattr(fields, name)) > MAX_BODY:
            problems[name] = f"at most {MAX_BODY:,} characters"
    if fields.status not in ("draft", "active"):
        problems["status"] = "draft or active"
    place = place or {}
    meta = {**asdict(fields), "lat": place.get("lat"), "lng": place.get("lng")}
    details = answer_details("store", meta, problems)
    if problems:
        raise FieldErrors(problems)
    return details


def stores(session: Session) -> list[ContentItem]:
    return list(session.scalars(select(ContentItem).where(ContentItem.kind == "store")
                                .order_by(ContentItem.status, ContentItem.id)))


def _apply(item: ContentItem, fields: StoreFields, details: dict) -> None:
    item.title_zh, item.title_en = fields.title_zh, fields.title_en
    item.body_zh, item.body_en = fields.body_zh, fields.body_en
    item.details, item.status = details, fields.status


def update(item: ContentItem, fields: StoreFields, actor: str, now: datetime) -> None:
    require_aware(now)
    if item.kind != "store":
        raise FieldErrors.one("kind", "not a store")
    _apply(item, fields, check(fields, item.details))
    if item.status == "active":
        item.retired_at = None
    mark_edited(item, actor, now)


def create(session: Session, fields: StoreFields, actor: str, now: datetime) -> ContentItem:
    require_aware(now)
    details = check(fields)
    item = ContentItem(kind="store", source="console", created_by=actor, created_at=now, updated_at=now, topics=[])
    _apply(item, fields, details)
    session.add(item)
    session.flush()
    return item
