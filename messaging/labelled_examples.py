"""Wordings staff labelled with their meaning, which understanding (bot/understanding/) learns from.

Kept apart from the misses they came from: a miss is deleted after KEPT_MESSAGES_DAYS and with
"delete my data", while a labelled wording is the shop's own teaching material. Only the words are
kept, never who wrote them.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from core.field_errors import FieldErrors
from core.timeutil import require_aware

from .models import LabelledExample

MAX_TEXT = 500
MAX_LABEL = 80


def add(session: Session, texts: list[str], label: str, now: datetime, staff_id: int | None = None) -> int:
    """Store each distinct wording once under `label` (a wording labelled again takes the new label)."""
    require_aware(now)
    label = (label or "").strip()
    if not label or len(label) > MAX_LABEL:
        raise FieldErrors.one("label", "say what these wordings mean", "required")
    wordings = list(dict.fromkeys(t.strip()[:MAX_TEXT] for t in texts if t and t.strip()))
    if not wordings:
        raise FieldErrors.one("texts", "no wording to label", "required")
    session.execute(delete(LabelledExample).where(LabelledExample.text.in_(wordings)))
    session.add_all(LabelledExample(text=t, label=label, staff_id=staff_id, created_at=now) for t in wordings)
    session.flush()
    return len(wordings)


def all_examples(session: Session) -> list[tuple[str, str]]:
    return [(row.text, row.label) for row in session.execute(
        select(LabelledExample.text, LabelledExample.label).order_by(LabelledExample.id))]


def version(session: Session) -> tuple:
    """Changes whenever a wording is labelled or removed: (count, newest id)."""
    return tuple(session.execute(select(func.count(), func.max(LabelledExample.id))).one())


def remove_label(session: Session, label: str) -> int:
    """Forget the wordings of a label (its faq was deleted)."""
    return session.execute(delete(LabelledExample).where(LabelledExample.label == label)).rowcount or 0
