"""A member's interests: the topics of what they bought and of the content they opened.

Three sources, each topic counted once per occurrence:
* purchases of the last year: each order item's `category` (the shop's product categories, which
  the content library uses as topics);
* content opened ("read more"): the item's topics, from `content_views`;
* member tags `interest:<topic>` (the console's segments read interests from these; opening content
  adds them, staff may add them by hand).
Topics are compared case-folded (`library_files.normalise_topic`).
"""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from rewards.models import Member, Order
from core.timeutil import require_aware

from .library_files import normalise_topic
from .models import ContentItem, ContentView
from insights.segments import INTEREST_PREFIX

PURCHASE_WINDOW = timedelta(days=365)
CHUNK = 1000


def _categories(items) -> list[str]:
    if not isinstance(items, list):
        return []
    return [normalise_topic(i["category"]) for i in items
            if isinstance(i, dict) and isinstance(i.get("category"), str) and i["category"].strip()]


def interests_of(session: Session, member_ids: Iterable[int], now: datetime) -> dict[int, Counter]:
    """{member id: Counter(topic -> weight)} for each member (an empty Counter when nothing is known)."""
    require_aware(now)
    ids = list(dict.fromkeys(member_ids))
    found: dict[int, Counter] = {member_id: Counter() for member_id in ids}
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i:i + CHUNK]
        for member_id, items in session.execute(
                select(Order.member_id, Order.items)
                .where(Order.member_id.in_(chunk), Order.placed_at > now - PURCHASE_WINDOW)):
            found[member_id].update(_categories(items))
        for member_id, topics in session.execute(
                select(ContentView.member_id, ContentItem.topics)
                .join(ContentItem, ContentItem.id == ContentView.content_id).where(ContentView.member_id.in_(chunk))):
            found[member_id].update(normalise_topic(t) for t in topics or [])
        for member_id, tags in session.execute(select(Member.id, Member.tags).where(Member.id.in_(chunk))):
            found[member_id].update(normalise_topic(t[len(INTEREST_PREFIX):]) for t in tags or []
                                    if isinstance(t, str) and t.startswith(INTEREST_PREFIX))
    return found


def note_interest(member: Member, topics: Iterable[str]) -> None:
    """Add `interest:<topic>` tags the member does not have yet."""
    have = list(member.tags or [])
    new = [INTEREST_PREFIX + normalise_topic(t) for t in topics]
    missing = [tag for tag in dict.fromkeys(new) if tag not in have]
    if missing:
        member.tags = have + missing  # a new list, so the JSON column is seen as changed


def open_item(session: Session, member: Member | None, content_id: int, now: datetime) -> ContentItem | None:
    """A member tapped "read more": the item if it can be shown (active, published), with the view
    recorded and its topics noted as the member's interests. None for an unknown or retired item."""
    require_aware(now)
    item = session.get(ContentItem, content_id)
    if item is None or item.status != "active" or (item.published_at is not None and item.published_at > now):
        return None
    if member is not None and member.status != "erased":
        session.add(ContentView(member_id=member.id, content_id=item.id, viewed_at=now))
        note_interest(member, item.topics or [])
        session.flush()
    return item
