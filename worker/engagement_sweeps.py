"""The engagement features' timed work, as sweeps for bot/jobs.py's registry: `function(rt, now)`.

Each walks its table in batches (content/sweep_batches.py), one transaction per batch, and returns
a one-line summary. All are idempotent: the domain's dedup keys make a second run change nothing,
so a batch that meets a transient SQLite lock conflict is simply run again (`db.run`).
"""
from __future__ import annotations

from typing import Callable

from messaging import birthday, drip, repurchase, surveys, tier_keep
from core.sweep_batches import Batch


def walk(rt, now, batch: Callable[..., Batch]) -> tuple[int, int]:
    """Run `batch(session, now, settings, after_id=...)` until it is through; (rows looked at, rows written)."""
    after, looked, done = 0, 0, 0
    while True:
        result = rt.db.run(lambda session, after=after: batch(session, now, rt.settings, after_id=after), write=True)
        looked, done, after = looked + result.looked_at, done + result.done, result.last_id
        if not result.more:
            return looked, done


def birthday_coupons(rt, now):
    if now < birthday.send_from(now, rt.settings):
        return f"not before {birthday.send_from(now, rt.settings):%H:%M} on the 1st"
    _looked, issued = walk(rt, now, birthday.sweep_batch)
    return f"issued {issued} birthday coupons"


def content_drip(rt, now):
    if drip.due_moment(now, rt.settings) is None:
        return "not drip time"
    looked, queued = walk(rt, now, drip.drip_batch)
    return f"queued {queued} items for {looked} members"


def survey_invitations(rt, now):
    _looked, invited = walk(rt, now, surveys.invite_batch)
    return f"invited {invited}"


def repurchase_reminders(rt, now):
    looked, queued = walk(rt, now, repurchase.reminder_batch)
    return f"queued {queued} reminders ({looked} regulars looked at)"


def tier_keep_warnings(rt, now):
    review = tier_keep.review_ahead(now, rt.settings)
    if review is None:
        return "not the month before the tier review"
    with rt.db.session() as session:
        if tier_keep.warnings_done(session, review):
            return "already done"
    _looked, queued = walk(rt, now, tier_keep.warning_batch)
    rt.db.run(lambda session: tier_keep.mark_done(session, review, queued, now), write=True)
    return f"queued {queued} notices"
