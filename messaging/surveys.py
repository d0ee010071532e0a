"""Surveys after a purchase: one invitation per order, a rating of 1-5, an optional comment.

* A sweep finds recent orders without an invitation and writes one with its outbox row (kind
  `survey_invitation`, service, dedup key `survey:{order_id}`), due `settings.survey_delay_store_hours`
  after a store order and `survey_delay_online_hours` after an online one, moved out of quiet hours
  (it is service, but nobody wants a questionnaire at midnight). Orders more than a day past their
  invitation time when first seen (a late import, a worker that was down for long) get none, and
  fully refunded orders get none.
* `rate` records the answer once; an answer more than `settings.survey_answer_days` after the
  invitation closes it instead. A rating of 1 or 2 is flagged for staff to follow up.
* `add_comment` attaches the optional comment (the chat asks for it right after the rating).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from rewards import notices
from rewards.models import Member, Order
from rewards.settings import ProgramSettings
from core.timeutil import require_aware
from rewards.tx import savepoint

from messaging import policy
from insights.models import LOW_RATING, SurveyInvitation, SurveyResponse
from core.sweep_batches import BATCH_SIZE, Batch, note_candidates

KIND = "survey_invitation"
CATCH_UP = timedelta(days=1)
MAX_COMMENT = 1000


def delay(channel: str, settings: ProgramSettings) -> timedelta:
    hours = settings.survey_delay_online_hours if channel == "online" else settings.survey_delay_store_hours
    return timedelta(hours=hours)


def invite_time(order_placed_at: datetime, channel: str, now: datetime, settings: ProgramSettings) -> datetime:
    """When the invitation goes: the delay after the order (not before now), out of quiet hours."""
    at = max(order_placed_at + delay(channel, settings), now).astimezone(now.tzinfo)
    return policy.quiet_hours_end(at, settings) or at


def invite_batch(session: Session, now: datetime, settings: ProgramSettings, after_id: int = 0,
                 limit: int = BATCH_SIZE) -> Batch:
    """Invitations for up to `limit` recent orders (by order id after `after_id`) that have none."""
    require_aware(now)
    longest = max(delay("store", settings), delay("online", settings))
    orders = session.execute(
        select(Order.id, Order.member_id, Order.channel, Order.store_id, Order.placed_at, Order.status)
        .where(Order.placed_at > now - longest - CATCH_UP, Order.placed_at <= now, Order.id > after_id,
               ~exists().where(SurveyInvitation.order_id == Order.id))
        .order_by(Order.id).limit(limit)).all()
    note_candidates(session, [row[0] for row in orders])
    written = 0
    for order_id, member_id, channel, store_id, placed_at, status in orders:
        if status == "refunded" or placed_at + delay(channel, settings) < now - CATCH_UP:
            continue
        member = session.get(Member, member_id)
        if member is None or member.status != "member":
            continue
        at = invite_time(placed_at, channel, now, settings)
        if _asked_recently(session, member.id, at, settings):
            continue  # a daily customer is not asked after every order
        if _invite(session, member, order_id, channel, store_id, at, now):
            written += 1
    return Batch.of([row[0] for row in orders], written, limit, after_id)


def _asked_recently(session: Session, member_id: int, at: datetime, settings: ProgramSettings) -> bool:
    since = at - timedelta(days=settings.survey_min_days_between)
    return session.scalar(select(SurveyInvitation.id).where(SurveyInvitation.member_id == member_id,
                                                            SurveyInvitation.invite_at > since).limit(1)) is not None


def _invite(session: Session, member: Member, order_id: int, channel: str, store_id: str | None,
            invite_at: datetime, now: datetime) -> bool:
    try:
        with savepoint(session):
            invitation = SurveyInvitation(order_id=order_id, member_id=member.id, channel=channel, store_id=store_id,
                                          invite_at=invite_at, status="open", created_at=now)
            session.add(invitation)
            session.flush()
            notices.queue_notice(session, member, KIND, "service",
                                 {"invitation_id": invitation.id, "channel": channel, "store_id": store_id},
                                 f"survey:{order_id}", now, not_before=invite_at)
    except IntegrityError:  # another sweep invited for this order a moment ago
        return False
    return True


# -- answers ---------------------------------------------------------------------------------------

RECORDED, ALREADY, CLOSED, NOT_FOUND = "recorded", "already", "closed", "not_found"


@dataclass(frozen=True)
class Answer:
    outcome: str  # RECORDED, ALREADY (answered before), CLOSED (too late), NOT_FOUND
    response: SurveyResponse | None = None

    @property
    def needs_follow_up(self) -> bool:
        return self.response is not None and self.response.needs_follow_up


def is_late(invitation: SurveyInvitation, now: datetime, settings: ProgramSettings) -> bool:
    return now > invitation.invite_at + timedelta(days=settings.survey_answer_days)


def rate(session: Session, member: Member, invitation_id: int, rating: int, now: datetime,
         settings: ProgramSettings) -> Answer:
    """Record the member's rating for their invitation, once."""
    require_aware(now)
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValueError("a rating is a whole number from 1 to 5")
    invitation = session.get(SurveyInvitation, invitation_id)
    if invitation is None or invitation.member_id != member.id:
        return Answer(NOT_FOUND)
    if invitation.status == "answered":
        return Answer(ALREADY, _response_of(session, invitation.id))
    if invitation.status == "closed" or is_late(invitation, now, settings):
        if invitation.status != "closed":
            invitation.status, invitation.closed_at = "closed", now
        return Answer(CLOSED)
    response = SurveyResponse(invitation_id=invitation.id, member_id=member.id, order_id=invitation.order_id,
                              store_id=invitation.store_id, rating=rating, answered_at=now,
                              needs_follow_up=rating <= LOW_RATING)
    try:
        with savepoint(session):
            session.add(response)
            session.flush()
    except IntegrityError:  # a double tap: the first answer stands
        session.refresh(invitation)
        return Answer(ALREADY, _response_of(session, invitation.id))
    invitation.status = "answered"
    return Answer(RECORDED, response)


def _response_of(session: Session, invitation_id: int) -> SurveyResponse | None:
    return session.scalar(select(SurveyResponse).where(SurveyResponse.invitation_id == invitation_id))


def add_comment(session: Session, member: Member, response_id: int, comment: str,
                now: datetime) -> SurveyResponse | None:
    """Attach the member's comment to their answer (the first comment counts). None if not theirs."""
    require_aware(now)
    response = session.get(SurveyResponse, response_id)
    if response is None or response.member_id != member.id:
        return None
    text = (comment or "").strip()[:MAX_COMMENT]
    if text and response.comment is None:
        response.comment, response.commented_at = text, now
    return response


def mark_followed_up(session: Session, response_id: int, staff: str, now: datetime) -> bool:
    """Staff have followed up a low rating (the console's "done"): True when it needed one and is now
    marked done by `staff`."""
    require_aware(now)
    response = session.get(SurveyResponse, response_id)
    if response is None or not response.needs_follow_up or response.followed_up_at is not None:
        return False
    response.followed_up_at, response.followed_up_by = now, staff[:200]
    return True
