"""The weekly content drip: one item a week to each subscribed member (marketing).

The drip's moment is `settings.content_drip_weekday` at `content_drip_hour`, store time (default
Tuesday 10:00). A sweep run within a day after it queues, to each member who is subscribed and
reachable, the item `picks.pick` chooses (interests first, else general; none left: nothing). The
outbox dedup key `content:{member_id}:{drip date}` makes it one per member per week however often
the sweep runs; a run more than a day late leaves that week out rather than sending it mid-week.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import String, cast, exists, literal, select
from sqlalchemy.orm import Session

from rewards import notices
from rewards.models import Member, Outbox
from rewards.settings import ProgramSettings
from core.timeutil import require_aware

from content import interests, picks
from core.sweep_batches import BATCH_SIZE, Batch, note_candidates

KIND = "content"
CATCH_UP = timedelta(days=1)


def due_moment(now: datetime, settings: ProgramSettings) -> datetime | None:
    """This week's drip moment if `now` is within a day after it, else None (also when the drip is off)."""
    require_aware(now)
    weekday = settings.content_drip_weekday
    if not 0 <= weekday <= 6:
        return None
    day = now.date() - timedelta(days=(now.weekday() - weekday) % 7)
    moment = datetime.combine(day, time(settings.content_drip_hour), tzinfo=now.tzinfo)
    if moment > now:
        moment -= timedelta(days=7)
    return moment if now - moment < CATCH_UP else None


def dedup_key(member_id: int, moment: datetime) -> str:
    return f"{KIND}:{member_id}:{moment.date().isoformat()}"


def drip_batch(session: Session, now: datetime, settings: ProgramSettings, after_id: int = 0,
               limit: int = BATCH_SIZE) -> Batch:
    """Queue this week's item to up to `limit` subscribed members after `after_id`."""
    moment = due_moment(now, settings)
    if moment is None:
        return Batch(0, 0, after_id, False)
    key = literal(f"{KIND}:", String) + cast(Member.id, String) + literal(f":{moment.date().isoformat()}", String)
    ids = list(session.scalars(
        select(Member.id)
        .where(Member.id > after_id, Member.status == "member", Member.marketing_opt_in.is_(True),
               Member.is_blocked.is_(False), Member.line_user_id.is_not(None),
               ~exists().where(Outbox.dedup_key == key))
        .order_by(Member.id).limit(limit)))
    note_candidates(session, ids)
    items = picks.live_items(session, now) if ids else []
    rows = []
    if items:
        liked = interests.interests_of(session, ids, now)
        sent = picks.sent_content(session, ids)
        for member_id in ids:
            item = picks.pick(items, liked[member_id], sent[member_id])
            if item is not None:
                rows.append(notices.outbox_row(member_id, KIND, "marketing", picks.snapshot(item),
                                               dedup_key(member_id, moment), now))
    notices.queue_rows(session, rows)
    return Batch.of(ids, len(rows), limit, after_id)
