"""Messages the bot did not understand, for staff to learn from (the console's "Unanswered" list).

Each keeps its words and a folded `form` (given by the bot's matcher) to group similar wording.
Groups are listed with counts; one step turns a group into an faq answer (its wording becomes an
`asked_as` line). Same retention and erasure as kept chat messages (messaging/handoff.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from rapidfuzz import fuzz
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from rewards.timeutil import require_aware

from .models import UnansweredMessage

MAX_TEXT = 500
# two wordings this similar (0-100) are one group: "停車場在哪" and "停車場在哪裡"
SIMILAR = 80
DEFAULT_RETENTION = timedelta(days=30)


def record(session: Session, line_user_id: str, text: str, form: str, now: datetime) -> None:
    require_aware(now)
    text = (text or "").strip()[:MAX_TEXT]
    if text:
        session.add(UnansweredMessage(line_user_id=line_user_id, text=text, form=(form or text)[:MAX_TEXT], at=now))


@dataclass
class MissGroup:
    wording: str  # the most frequent wording of the group
    count: int
    last_at: datetime
    ids: list[int]
    examples: list[str]


def groups(session: Session, since: datetime | None = None, limit: int = 1000) -> list[MissGroup]:
    """Open misses grouped by similar wording, the most frequent first."""
    q = select(UnansweredMessage).where(UnansweredMessage.answered_by.is_(None))
    if since is not None:
        q = q.where(UnansweredMessage.at >= since)
    rows = list(session.scalars(q.order_by(UnansweredMessage.at.desc()).limit(limit)))
    by_form: dict[str, list[UnansweredMessage]] = {}
    for row in rows:
        by_form.setdefault(row.form, []).append(row)
    clusters: list[tuple[str, list[UnansweredMessage]]] = []
    for form, members in sorted(by_form.items(), key=lambda kv: -len(kv[1])):
        home = next((c for c in clusters if fuzz.ratio(c[0], form) >= SIMILAR), None)
        if home is None:
            clusters.append((form, list(members)))
        else:
            home[1].extend(members)
    result = []
    for _, members in clusters:
        counts: dict[str, int] = {}
        for m in members:
            counts[m.text] = counts.get(m.text, 0) + 1
        ordered = sorted(counts, key=lambda t: -counts[t])
        result.append(MissGroup(ordered[0], len(members), max(m.at for m in members),
                                sorted(m.id for m in members), ordered[:5]))
    return sorted(result, key=lambda g: (-g.count, -g.last_at.timestamp()))


def wording_of(session: Session, miss_ids: list[int]) -> list[str]:
    """The distinct wordings of these misses, the most frequent first (the new faq's asked_as lines)."""
    rows = list(session.scalars(select(UnansweredMessage.text).where(UnansweredMessage.id.in_(miss_ids))))
    counts: dict[str, int] = {}
    for text in rows:
        counts[text] = counts.get(text, 0) + 1
    return sorted(counts, key=lambda t: -counts[t])


def mark_answered(session: Session, miss_ids: list[int], slug: str) -> None:
    session.execute(update(UnansweredMessage).where(UnansweredMessage.id.in_(miss_ids))
                    .values(answered_by=slug[:64]))


def sweep_retention(session: Session, now: datetime, retention: timedelta = DEFAULT_RETENTION) -> int:
    require_aware(now)
    return session.execute(delete(UnansweredMessage).where(UnansweredMessage.at < now - retention)).rowcount or 0


def erase(session: Session, line_user_id: str) -> int:
    return session.execute(delete(UnansweredMessage).where(UnansweredMessage.line_user_id == line_user_id)).rowcount or 0
