"""Which content item a member gets: the newest live item that fits their interests and that they
have not been sent, else the newest general one (an item without topics) they have not been sent.

"Sent" is read from the outbox (rows of kind `content` or `repurchase` with a `content_id` param,
and content broadcasts, whose params hold the item under `content`) that were not skipped, failed
or cancelled: an item held back by the weekly cap can come again.
"""
from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Iterable

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from rewards.models import Member, Outbox
from rewards.outbox_state import FROM_, STATE
from core.timeutil import require_aware

from .interests import interests_of
from .library_files import KINDS, normalise_topic
from .models import ContentItem

CONTENT_KINDS = ("content", "repurchase", "broadcast", "journey")  # outbox kinds that may carry a content item
CHUNK = 1000


def live_items(session: Session, now: datetime) -> list[ContentItem]:
    """Active, published items, newest first (by publication, else creation)."""
    require_aware(now)
    newest = func.coalesce(ContentItem.published_at, ContentItem.created_at)
    return list(session.scalars(
        select(ContentItem).where(ContentItem.status == "active", ContentItem.kind.in_(KINDS),
                                  or_(ContentItem.published_at.is_(None), ContentItem.published_at <= now))
        .order_by(newest.desc(), ContentItem.id.desc())))


def snapshot(item: ContentItem) -> dict:
    """What a message needs to show the item, as outbox params (rendered later, without the database)."""
    return {"content_id": item.id, "title_zh": item.title_zh, "title_en": item.title_en or item.title_zh,
            "body_zh": item.body_zh, "body_en": item.body_en or item.body_zh, "image_url": item.image_url,
            "link_url": item.link_url, "kind": item.kind}


def is_general(item: ContentItem) -> bool:
    return not item.topics


def fits(item: ContentItem, interests: Counter) -> bool:
    return any(normalise_topic(topic) in interests for topic in item.topics or [])


def pick(items: list[ContentItem], interests: Counter, sent: set[int]) -> ContentItem | None:
    """`items` newest first (as `live_items` gives them)."""
    fresh = [item for item in items if item.id not in sent]
    return (next((item for item in fresh if fits(item, interests)), None)
            or next((item for item in fresh if is_general(item)), None))


def for_member(items: list[ContentItem], interests: Counter, limit: int) -> list[ContentItem]:
    """The latest items for one member: those that fit their interests first, each group newest first."""
    ranked = sorted(enumerate(items), key=lambda pair: (not fits(pair[1], interests), pair[0]))
    return [item for _, item in ranked[:limit]]


def sent_content(session: Session, member_ids: Iterable[int]) -> dict[int, set[int]]:
    """{member id: ids of content items sent (or on their way) to them}."""
    ids = list(dict.fromkeys(member_ids))
    sent: dict[int, set[int]] = {member_id: set() for member_id in ids}
    for i in range(0, len(ids), CHUNK):
        for member_id, params in session.execute(
                select(Outbox.member_id, Outbox.params).select_from(FROM_)
                .where(Outbox.member_id.in_(ids[i:i + CHUNK]), Outbox.kind.in_(CONTENT_KINDS),
                       STATE.status.not_in(("skipped", "failed", "cancelled")))):
            params = params or {}
            content_id = params.get("content_id") or (params.get("content") or {}).get("content_id")
            if isinstance(content_id, int):
                sent[member_id].add(content_id)
    return sent


def latest_for(session: Session, member: Member | None, now: datetime, limit: int) -> list[dict]:
    """The news for one member (or a visitor, `member` None): snapshots of the latest live items,
    those that fit the member's interests first."""
    liked = interests_of(session, [member.id], now)[member.id] if member is not None else Counter()
    return [snapshot(item) for item in for_member(live_items(session, now), liked, limit)]
