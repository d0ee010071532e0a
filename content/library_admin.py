"""The content library in the console: staff create, edit and retire bilingual content items.

Items from the file library (`source == "file"`, content/library/*.md) are edited here too: an
edit marks the item `edited_at`, and from then on its file never overwrites it (content/library_sync.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlparse

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.timeutil import require_aware

from core.field_errors import FieldErrors
from .library_files import KINDS
from .models import ContentItem


@dataclass(frozen=True)
class ContentFields:
    title_zh: str
    title_en: str = ""
    body_zh: str = ""
    body_en: str = ""
    image_url: str = ""
    link_url: str = ""
    topics: tuple[str, ...] = ()
    status: str = "draft"
    kind: str = "story"


def is_https_url(value: str) -> bool:
    """LINE shows images and opens links only over https."""
    parsed = urlparse(value or "")
    return parsed.scheme == "https" and bool(parsed.netloc) and len(value) <= 1000


def check(fields: ContentFields) -> ContentFields:
    problems = {}
    if not fields.title_zh.strip() or len(fields.title_zh) > 200:
        problems["title_zh"] = "a title of 1-200 characters is required"
    if len(fields.title_en) > 200:
        problems["title_en"] = "at most 200 characters"
    for name in ("body_zh", "body_en"):
        if len(getattr(fields, name)) > 2000:
            problems[name] = "at most 2,000 characters"
    for name in ("image_url", "link_url"):
        value = getattr(fields, name).strip()
        if value and not is_https_url(value):
            problems[name] = "must be an https:// address"
    if fields.kind not in KINDS:
        problems["kind"] = "one of " + ", ".join(KINDS)
    if fields.status not in ("draft", "active"):
        problems["status"] = "draft or active"
    if problems:
        raise FieldErrors(problems)
    return fields


def items(session: Session, include_retired: bool = False) -> list[ContentItem]:
    q = select(ContentItem).where(ContentItem.kind.in_(KINDS))  # faqs and stores have their own pages
    if not include_retired:
        q = q.where(ContentItem.status != "retired")
    return list(session.scalars(q.order_by(ContentItem.updated_at.desc(), ContentItem.id.desc())))


def active_items(session: Session) -> list[ContentItem]:
    return list(session.scalars(select(ContentItem).where(ContentItem.status == "active", ContentItem.kind.in_(KINDS))
                                .order_by(ContentItem.updated_at.desc(), ContentItem.id.desc())))


def _apply(item: ContentItem, fields: ContentFields) -> None:
    item.title_zh, item.title_en = fields.title_zh.strip(), fields.title_en.strip()
    item.body_zh, item.body_en = fields.body_zh.strip(), fields.body_en.strip()
    item.image_url = fields.image_url.strip() or None
    item.link_url = fields.link_url.strip() or None
    item.topics = list(fields.topics)
    item.status = fields.status
    item.kind = fields.kind


def create(session: Session, fields: ContentFields, actor: str, now: datetime) -> ContentItem:
    require_aware(now)
    check(fields)
    item = ContentItem(created_by=actor, created_at=now, updated_at=now, source="console")
    _apply(item, fields)
    session.add(item)
    session.flush()
    return item


def update(item: ContentItem, fields: ContentFields, now: datetime, actor: str = "console") -> None:
    require_aware(now)
    if item.status == "retired":
        raise FieldErrors.one("status", "a retired item cannot be edited")
    check(fields)
    _apply(item, fields)
    mark_edited(item, actor, now)


def mark_edited(item: ContentItem, actor: str, now: datetime) -> None:
    """Staff changed it: the database's version is the truth from now on, whatever its file says."""
    item.updated_at = item.edited_at = now
    item.edited_by = actor


def retire(item: ContentItem, now: datetime) -> None:
    item.status = "retired"
    item.retired_at = item.updated_at = now
