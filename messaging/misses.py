"""Messages the bot did not understand, for staff to learn from (the console's "Unanswered" list).

Each keeps its words and a folded `form`. Misses are grouped by meaning: understanding (an edge,
bot/understanding/grouping.py) gives each new miss the key of the open group it means the same as,
or a new key (its own id), and `assign` keeps that, so groups stay put between visits. Staff then say
what a group is (an intent, an faq, a new faq: `resolve`, its wordings become labelled examples),
dismiss it, or merge it into another. Same retention and erasure as kept chat messages
(messaging/handoff.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from content import faq_admin
from content.models import ContentItem
from core.field_errors import FieldErrors
from core.timeutil import require_aware

from .models import UnansweredMessage

MAX_TEXT = 500
DEFAULT_RETENTION = timedelta(days=30)
DISMISSED = "dismissed"
EXAMPLES_SHOWN = 5


def record(session: Session, line_user_id: str, text: str, form: str, now: datetime) -> None:
    require_aware(now)
    text = (text or "").strip()[:MAX_TEXT]
    if text:
        session.add(UnansweredMessage(line_user_id=line_user_id, text=text, form=(form or text)[:MAX_TEXT], at=now))


@dataclass
class MissGroup:
    key: int
    wording: str  # the most frequent wording of the group
    count: int
    since: datetime  # the first miss
    last_at: datetime
    ids: list[int]
    examples: list[str]  # the distinct wordings, most frequent first (at most EXAMPLES_SHOWN)


def ungrouped(session: Session, limit: int = 1000) -> list[tuple[int, str]]:
    """Open misses no group has yet, oldest first: (id, text)."""
    return list(session.execute(
        select(UnansweredMessage.id, UnansweredMessage.text)
        .where(UnansweredMessage.answered_by.is_(None), UnansweredMessage.group_key.is_(None))
        .order_by(UnansweredMessage.id).limit(limit)))


def assign(session: Session, keys: dict[int, int]) -> None:
    """Put each miss (id) in the group (key) understanding chose for it."""
    by_key: dict[int, list[int]] = {}
    for miss_id, key in keys.items():
        by_key.setdefault(key, []).append(miss_id)
    for key, ids in by_key.items():
        session.execute(update(UnansweredMessage).where(UnansweredMessage.id.in_(ids))
                        .values(group_key=key).execution_options(synchronize_session=False))


def groups(session: Session, limit: int = 1000) -> list[MissGroup]:
    """The open groups, the most misses first, then the most recent."""
    rows = list(session.execute(
        select(UnansweredMessage.id, UnansweredMessage.text, UnansweredMessage.at, UnansweredMessage.group_key)
        .where(UnansweredMessage.answered_by.is_(None), UnansweredMessage.group_key.is_not(None))
        .order_by(UnansweredMessage.at.desc()).limit(limit)))
    by_key: dict[int, list] = {}
    for row in rows:
        by_key.setdefault(row.group_key, []).append(row)
    result = []
    for key, members in by_key.items():
        counts: dict[str, int] = {}
        for m in members:
            counts[m.text] = counts.get(m.text, 0) + 1
        ordered = sorted(counts, key=lambda t: -counts[t])
        result.append(MissGroup(key, ordered[0], len(members), min(m.at for m in members),
                                max(m.at for m in members), sorted(m.id for m in members), ordered[:EXAMPLES_SHOWN]))
    return sorted(result, key=lambda g: (-g.count, -g.last_at.timestamp()))


def _open_in(key: int):
    return (UnansweredMessage.group_key == key) & UnansweredMessage.answered_by.is_(None)


def _require_group(session: Session, key: int) -> None:
    if not session.scalar(select(func.count()).select_from(UnansweredMessage).where(_open_in(key))):
        raise FieldErrors.one("group", "no open unanswered messages in that group", "not_found")


def wordings(session: Session, key: int) -> list[str]:
    """The distinct wordings of a group's open misses, the most frequent first."""
    counts: dict[str, int] = {}
    for text in session.scalars(select(UnansweredMessage.text).where(_open_in(key))):
        counts[text] = counts.get(text, 0) + 1
    return sorted(counts, key=lambda t: -counts[t])


def resolve(session: Session, key: int, label: str) -> list[str]:
    """Staff said what the group means: its misses leave the list; returns their wordings."""
    _require_group(session, key)
    found = wordings(session, key)
    session.execute(update(UnansweredMessage).where(_open_in(key)).values(answered_by=label[:80])
                    .execution_options(synchronize_session=False))
    return found


def dismiss(session: Session, key: int) -> int:
    _require_group(session, key)
    return session.execute(update(UnansweredMessage).where(_open_in(key)).values(answered_by=DISMISSED)
                           .execution_options(synchronize_session=False)).rowcount or 0


def merge(session: Session, key: int, into: int) -> int:
    """The misses of group `key` join group `into`."""
    if key == into:
        raise FieldErrors.one("into", "choose another group to merge into", "invalid")
    _require_group(session, key)
    _require_group(session, into)
    return session.execute(update(UnansweredMessage).where(_open_in(key)).values(group_key=into)
                           .execution_options(synchronize_session=False)).rowcount or 0


def wording_of(session: Session, miss_ids: list[int]) -> list[str]:
    """The distinct wordings of these misses, the most frequent first (the new faq's asked_as lines)."""
    rows = list(session.scalars(select(UnansweredMessage.text).where(UnansweredMessage.id.in_(miss_ids))))
    counts: dict[str, int] = {}
    for text in rows:
        counts[text] = counts.get(text, 0) + 1
    return sorted(counts, key=lambda t: -counts[t])


def mark_answered(session: Session, miss_ids: list[int], slug: str) -> None:
    session.execute(update(UnansweredMessage).where(UnansweredMessage.id.in_(miss_ids))
                    .values(answered_by=slug[:80]))


def sweep_retention(session: Session, now: datetime, retention: timedelta = DEFAULT_RETENTION) -> int:
    require_aware(now)
    return session.execute(delete(UnansweredMessage).where(UnansweredMessage.at < now - retention)).rowcount or 0


def erase(session: Session, line_user_id: str) -> int:
    return session.execute(delete(UnansweredMessage).where(UnansweredMessage.line_user_id == line_user_id)).rowcount or 0


def faq_from_misses(session: Session, miss_ids: list[int], answer_zh: str, answer_en: str, actor: str,
                    now: datetime, title_zh: str = "", title_en: str = "") -> ContentItem:
    """One step from unanswered messages to an faq answer: their wording is how it is asked."""
    wording = wording_of(session, miss_ids)
    if not wording:
        raise FieldErrors({"misses": "no such unanswered messages"})
    item = faq_admin.faq_from_wordings(session, wording, answer_zh, answer_en, actor, now, title_zh, title_en,
                             english_title_required=False)
    mark_answered(session, miss_ids, f"item-{item.id}")
    return item
