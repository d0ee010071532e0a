"""The one messaging policy: may this message go to this member now, wait, or not go at all?

`service` messages (receipts, tier changes, survey invitations) go at once to anyone who can
receive them. `marketing` (broadcasts, content, reminders, the birthday push) also needs the
member's opt-in, waits out quiet hours and is capped per member per rolling week.

Quiet hours are read in the timezone of the `now` given (the bot's clock gives the store's).
Blocked members must be skipped here: LINE answers 200 to a push to someone who blocked the account.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable

from sqlalchemy import case, func, literal, or_, select
from sqlalchemy.orm import Session

from rewards.models import Member, Outbox
from rewards.outbox_state import FROM_, STATE
from rewards.settings import ProgramSettings
from core.timeutil import require_aware

CAP_WINDOW = timedelta(days=7)

SEND, HOLD, SKIP = "send", "hold", "skip"


@dataclass(frozen=True)
class Decision:
    action: str  # SEND, HOLD (until `until`) or SKIP (for `reason`)
    reason: str | None = None
    until: datetime | None = None


GO = Decision(SEND)


def decide(session: Session, member: Member | None, category: str, now: datetime, settings: ProgramSettings,
           recent_marketing: int | None = None, to_user_id: str | None = None) -> Decision:
    """What to do with one message for `member` now.

    `member` is a Member, or anything with its id, status, line_user_id, is_blocked and
    marketing_opt_in. `recent_marketing` is how many marketing messages the member got in the last
    week, when the caller already knows it (a sender deciding for many members counts them in one
    query, and adds what it is about to send). Without a member, the message goes straight to the
    LINE account `to_user_id` (a staff member's test send): see `direct_reason`.
    """
    require_aware(now)
    if member is None:
        reason = direct_reason(session, to_user_id, category) if to_user_id else None
        return Decision(SKIP, reason) if reason else GO
    reason = unreachable_reason(member)
    if reason:
        return Decision(SKIP, reason)
    if category == "service":
        return GO
    if not member.marketing_opt_in:
        return Decision(SKIP, "unsubscribed")
    until = quiet_hours_end(now, settings)
    if until is not None:  # before the cap: a held message is judged against the cap when it goes
        return Decision(HOLD, "quiet_hours", until)
    if recent_marketing is None:
        recent_marketing = recent_marketing_counts(session, [member.id], now).get(member.id, 0)
    if recent_marketing >= settings.marketing_weekly_cap:
        return Decision(SKIP, "weekly_cap")
    return GO


def direct_reason(session: Session, line_user_id: str, category: str) -> str | None:
    """Why a message straight to a LINE account (a test send to the account a staff member linked)
    must not go: the account is a member's who blocked the bot or, for marketing, opted out. None
    when it may go. (Linking the account with the LINK code is the staff member's own consent to
    their test sends; a member's choice still comes first. An erasure unlinks the account and
    cancels what was queued for it: privacy/erasure.py.)"""
    member = session.scalar(select(Member).where(Member.line_user_id == line_user_id))
    if member is None:
        return None
    if member.is_blocked:
        return "blocked"
    if category == "marketing" and member.status == "member" and not member.marketing_opt_in:
        return "unsubscribed"
    return None


def unreachable_reason(member: Member) -> str | None:
    """Why nothing at all may go to this member ("erased", "blocked"), or None."""
    if member.status == "erased" or member.line_user_id is None:
        return "erased"
    if member.is_blocked:
        return "blocked"
    return None


def quiet_hours_end(now: datetime, settings: ProgramSettings) -> datetime | None:
    """The instant the current quiet hours end, or None when it is not quiet now."""
    require_aware(now)
    start, end = settings.quiet_start, settings.quiet_end
    if start == end:
        return None
    t = now.timetz().replace(tzinfo=None)
    today_end = datetime.combine(now.date(), end, tzinfo=now.tzinfo)
    if start < end:  # e.g. 13:00-14:00, within one day
        return today_end if start <= t < end else None
    if t >= start:  # e.g. 21:00-09:00: evening part, ends tomorrow morning
        return datetime.combine(now.date() + timedelta(days=1), end, tzinfo=now.tzinfo)
    if t < end:  # early-morning part, ends this morning
        return today_end
    return None


def recent_marketing_counts(session: Session, member_ids: Iterable[int], now: datetime) -> dict[int, int]:
    """Marketing messages sent to each member in the rolling week before `now` (members with none omitted)."""
    ids = list(dict.fromkeys(member_ids))
    counts: dict[int, int] = {}
    for i in range(0, len(ids), 1000):
        chunk = ids[i:i + 1000]
        result = session.execute(
            select(Outbox.member_id, func.count()).select_from(FROM_)
            .where(Outbox.member_id.in_(chunk), Outbox.category == "marketing", STATE.status == "sent",
                   STATE.sent_at > now - CAP_WINDOW)
            .group_by(Outbox.member_id))
        counts.update({member_id: count for member_id, count in result})
    return counts


def predict_skips_of(session: Session, members, now: datetime, settings: ProgramSettings,
                     category: str = "marketing") -> tuple[int, dict[str, int]]:
    """`predict_skips` in one grouped query over the members a SELECT of `members.id` finds (an
    audience of any size, read where it is): (members, reason -> how many). The same rules in SQL."""
    require_aware(now)
    recent = (select(Outbox.member_id, func.count().label("n")).select_from(FROM_)
              .where(Outbox.category == "marketing", STATE.status == "sent", STATE.sent_at > now - CAP_WINDOW)
              .group_by(Outbox.member_id).subquery())
    whens = [(or_(Member.status == "erased", Member.line_user_id.is_(None)), "erased"),
             (Member.is_blocked.is_(True), "blocked")]
    if category == "marketing":
        whens += [(Member.marketing_opt_in.is_not(True), "unsubscribed"),
                  (func.coalesce(recent.c.n, 0) >= settings.marketing_weekly_cap, "weekly_cap")]
    reason = case(*whens, else_=literal("")).label("reason")
    q = members.with_only_columns(reason, func.count(), maintain_column_froms=True)
    if category == "marketing":
        q = q.outerjoin(recent, recent.c.member_id == Member.id)
    counts = dict(session.execute(q.group_by(reason)).all())
    return sum(counts.values()), {r: n for r, n in counts.items() if r}


def predict_skips(session: Session, members: Iterable[Member], now: datetime, settings: ProgramSettings,
                  category: str = "marketing") -> dict[str, int]:
    """How many of `members` a message of `category` sent now would skip, by reason.

    Quiet hours are not a skip (the message waits), so they are not counted here; ask
    `quiet_hours_end` when the message would go.
    """
    require_aware(now)
    members = list(members)
    recent = recent_marketing_counts(session, [m.id for m in members], now) if category == "marketing" else {}
    skipped: Counter[str] = Counter()
    for member in members:
        reason = unreachable_reason(member)
        if reason is None and category == "marketing":
            if not member.marketing_opt_in:
                reason = "unsubscribed"
            elif recent.get(member.id, 0) >= settings.marketing_weekly_cap:
                reason = "weekly_cap"
        if reason:
            skipped[reason] += 1
    return dict(skipped)
