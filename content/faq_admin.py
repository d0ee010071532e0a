"""Staff write the shop's own answers in the console: an faq is a library item of kind `faq`.

Its ways of asking are kept in `details` (`asked_as_zh`, `asked_as_en`), one per line in the form.
`faq_from_wordings` turns the wording of a group of unanswered messages into an faq in one step:
its asked_as lines (`messaging.misses.faq_from_misses` takes the messages themselves).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.field_errors import FieldErrors
from core.timeutil import require_aware

from .library_admin import mark_edited
from .library_files import MAX_BODY, MAX_TITLE
from .models import ContentItem

MAX_ASKED = 50


@dataclass
class FaqFields:
    title_zh: str = ""
    title_en: str = ""
    answer_zh: str = ""
    answer_en: str = ""
    asked_zh: list[str] = field(default_factory=list)
    asked_en: list[str] = field(default_factory=list)

    @classmethod
    def from_form(cls, form) -> "FaqFields":
        def lines(name):
            return [line.strip()[:120] for line in (form.get(name) or "").splitlines() if line.strip()]
        return cls(form.get("title_zh", "").strip(), form.get("title_en", "").strip(), form.get("answer_zh", "").strip(),
                   form.get("answer_en", "").strip(), lines("asked_zh"), lines("asked_en"))

    @classmethod
    def of(cls, item: ContentItem) -> "FaqFields":
        d = item.details or {}
        return cls(item.title_zh, item.title_en, item.body_zh, item.body_en, list(d.get("asked_as_zh") or []),
                   list(d.get("asked_as_en") or []))

    def check(self) -> None:
        problems = {}
        if not self.title_zh or len(self.title_zh) > MAX_TITLE:
            problems["title_zh"] = f"a title of 1-{MAX_TITLE} characters is required"
        if not self.answer_zh or len(self.answer_zh) > MAX_BODY:
            problems["answer_zh"] = f"an answer of 1-{MAX_BODY} characters is required"
        if len(self.answer_en) > MAX_BODY:
            problems["answer_en"] = f"at most {MAX_BODY} characters"
        if not self.asked_zh and not self.asked_en:
            problems["asked_zh"] = "at least one way people ask it"
        if len(self.asked_zh) + len(self.asked_en) > MAX_ASKED:
            problems["asked_zh"] = f"at most {MAX_ASKED} ways of asking"
        if problems:
            raise FieldErrors(problems)


def faqs(session: Session) -> list[ContentItem]:
    return list(session.scalars(select(ContentItem).where(ContentItem.kind == "faq")
                                .order_by(ContentItem.status, ContentItem.title_zh)))


def _apply(item: ContentItem, fields: FaqFields, now: datetime) -> None:
    item.title_zh, item.title_en = fields.title_zh, fields.title_en or fields.title_zh
    item.body_zh, item.body_en = fields.answer_zh, fields.answer_en or fields.answer_zh
    item.details = {"asked_as_zh": fields.asked_zh, "asked_as_en": fields.asked_en}
    item.updated_at = now


def create(session: Session, fields: FaqFields, actor: str, now: datetime) -> ContentItem:
    require_aware(now)
    fields.check()
    item = ContentItem(kind="faq", source="console", status="active", created_by=actor, created_at=now, topics=[])
    _apply(item, fields, now)
    session.add(item)
    session.flush()
    return item


def update(item: ContentItem, fields: FaqFields, now: datetime, actor: str = "console") -> None:
    require_aware(now)
    fields.check()
    _apply(item, fields, now)
    mark_edited(item, actor, now)  # a file never overwrites staff's answer again


def _is_chinese(text: str) -> bool:
    return bool(re.search(r"[\u3400-\u9fff]", text))


def faq_from_wordings(session: Session, wording: list[str], answer_zh: str, answer_en: str, actor: str,
                      now: datetime, title_zh: str = "", title_en: str = "",
                      english_title_required: bool = True) -> ContentItem:
    """A new faq asked the ways members asked it. Its English title is asked for, not copied from the
    Chinese one (an English member would read a Chinese title in the "which one?" question)."""
    if english_title_required and not title_en.strip():
        raise FieldErrors.one("title_en", "an English title is required", "required")
    fields = FaqFields(title_zh or wording[0][:MAX_TITLE], title_en.strip(), answer_zh.strip(), answer_en.strip(),
                       [w for w in wording if _is_chinese(w)][:MAX_ASKED], [w for w in wording if not _is_chinese(w)][:MAX_ASKED])
    return create(session, fields, actor, now)
