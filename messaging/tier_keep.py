"""Keep-or-lose notices: a month before the yearly tier review, members who would drop a tier are told
how much more spending keeps it, and by when (one service message per member per review).

From the end of quiet hours on the day one month before the review (e.g. 1 December 09:00 for a
review on 1 January) until the review, the sweep walks the members above the base tier and asks
`tiers.tier_status` about each who has no notice yet (dedup key `tier_keep:{member_id}:{review}`).
When a walk has gone through everyone, an audit row marks the review's warnings done, so later runs
that month cost one query.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import String, cast, exists, literal, select
from sqlalchemy.orm import Session

from rewards import audit, notices, tiers
from rewards.models import AuditLog, Member, Outbox
from rewards.settings import ProgramSettings
from core.timeutil import add_months, local_midnight, require_aware, review_dates

from messaging import policy
from core.sweep_batches import BATCH_SIZE, Batch, note_candidates

KIND = "tier_keep_warning"
DONE = "tier_keep_warnings"


def review_ahead(now: datetime, settings: ProgramSettings) -> date | None:
    """The review date if `now` is in the month of warnings before it, else None."""
    require_aware(now)
    _last, review = review_dates(now, settings.tier_review_month)
    start = datetime.combine(add_months(review, -1), settings.quiet_end, tzinfo=now.tzinfo)
    return review if start <= now < local_midnight(review, now) else None


def _done_target(review: date) -> str:
    return f"review:{review.isoformat()}"


def warnings_done(session: Session, review: date) -> bool:
    return session.scalar(select(AuditLog.id).where(AuditLog.action == DONE, AuditLog.target == _done_target(review))
                          .limit(1)) is not None


def mark_done(session: Session, review: date, queued: int, now: datetime) -> None:
    audit.record(session, "system", DONE, _done_target(review), {"queued": queued}, now)


def warning_batch(session: Session, now: datetime, settings: ProgramSettings, after_id: int = 0,
                  limit: int = BATCH_SIZE) -> Batch:
    """Queue the notices of up to `limit` members above the base tier after `after_id`."""
    review = review_ahead(now, settings)
    if review is None or warnings_done(session, review):
        return Batch(0, 0, after_id, False)
    upper = [t.code for t in tiers.ordered_tiers(settings) if t.threshold > 0]
    key = literal(f"{KIND}:", String) + cast(Member.id, String) + literal(f":{review.isoformat()}", String)
    members = list(session.scalars(
        select(Member).where(Member.id > after_id, Member.status == "member", Member.tier.in_(upper),
                             ~exists().where(Outbox.dedup_key == key))
        .order_by(Member.id).limit(limit)))
    note_candidates(session, [m.id for m in members])
    queued = 0
    for member in members:
        status = tiers.tier_status(session, member, now, settings)
        if status.keeps_tier:
            continue
        params = {"tier": member.tier, "spend_to_keep": status.spend_to_keep, "spend": status.spend_counted_at_review,
                  "threshold": status.tier.threshold, "review_date": review.isoformat()}
        # service, so quiet hours do not apply; a run at night still lets it wait for the morning
        not_before = policy.quiet_hours_end(now, settings) or now
        if notices.queue_notice(session, member, KIND, "service", params,
                                f"{KIND}:{member.id}:{review.isoformat()}", now, not_before=not_before) is not None:
            queued += 1
    return Batch.of([m.id for m in members], queued, limit, after_id)
