"""Survey answers for staff: responses with filters, satisfaction per month and store, CSAT by store
and week, and the follow-up queue of low ratings (the answering and the follow-up's "done" are messaging/surveys.py)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import case, func, literal_column, select
from sqlalchemy.orm import Session

from rewards.models import Member

from insights.models import LOW_RATING, SurveyResponse

ONLINE = "online"  # the "store" of answers about online orders
LOW_SCORE = LOW_RATING


@dataclass(frozen=True)
class Satisfaction:
    responses: int = 0
    rating_sum: int = 0
    top_two: int = 0  # ratings of 4 or 5

    @property
    def average(self) -> float | None:
        return self.rating_sum / self.responses if self.responses else None

    @property
    def top_two_share(self) -> float | None:
        return self.top_two / self.responses if self.responses else None


@dataclass(frozen=True)
class ResponseFilter:
    store: str | None = None
    date_from: datetime | None = None  # answered at or after
    date_to: datetime | None = None    # answered before
    rating_min: int | None = None
    rating_max: int | None = None


@dataclass(frozen=True)
class ResponseRow:
    id: int
    answered_at: datetime
    member_code: str | None
    store_id: str
    rating: int
    comment: str | None
    follow_up_done_at: datetime | None = None
    follow_up_done_by: str | None = None
    member_name: str | None = None  # in the follow-up queue, which opens the chat with the member


@dataclass(frozen=True)
class WeeklyCsat:
    store: str
    week_start: str  # ISO date of the Monday the week starts on (local)
    responses: int
    satisfied: int   # ratings of 4 or 5

    @property
    def csat(self) -> float | None:
        return self.satisfied / self.responses if self.responses else None


def _store():
    return func.coalesce(SurveyResponse.store_id, literal_column(f"'{ONLINE}'"))


def _ratings():
    return (func.count(), func.coalesce(func.sum(SurveyResponse.rating), 0),
            func.coalesce(func.sum(case((SurveyResponse.rating >= 4, 1), else_=0)), 0))


def satisfaction(session: Session, start: datetime, end: datetime) -> Satisfaction:
    """Ratings answered in [start, end)."""
    n, total, top = session.execute(select(*_ratings()).where(SurveyResponse.answered_at >= start,
                                                               SurveyResponse.answered_at < end)).one()
    return Satisfaction(int(n), int(total), int(top))


def satisfaction_by_store(session: Session, start: datetime, end: datetime) -> dict[str, Satisfaction]:
    return {store: Satisfaction(int(n), int(total), int(top)) for store, n, total, top in session.execute(
        select(_store(), *_ratings()).where(SurveyResponse.answered_at >= start, SurveyResponse.answered_at < end)
        .group_by(_store()))}


def stores(session: Session) -> list[str]:
    """Stores that have survey answers."""
    return sorted(session.scalars(select(_store()).distinct()))


def _row(response: SurveyResponse, member_code: str | None) -> ResponseRow:
    return ResponseRow(response.id, response.answered_at, member_code, response.store_id or ONLINE, response.rating,
                       response.comment, response.followed_up_at, response.followed_up_by)


def responses(session: Session, f: ResponseFilter, limit: int = 500) -> list[ResponseRow]:
    """Answers matching the filter, newest first."""
    q = select(SurveyResponse, Member.member_code).join(Member, Member.id == SurveyResponse.member_id)
    if f.store:
        q = q.where(_store() == f.store)
    if f.date_from:
        q = q.where(SurveyResponse.answered_at >= f.date_from)
    if f.date_to:
        q = q.where(SurveyResponse.answered_at < f.date_to)
    if f.rating_min is not None:
        q = q.where(SurveyResponse.rating >= f.rating_min)
    if f.rating_max is not None:
        q = q.where(SurveyResponse.rating <= f.rating_max)
    q = q.order_by(SurveyResponse.answered_at.desc(), SurveyResponse.id.desc()).limit(limit)
    return [_row(r, code) for r, code in session.execute(q)]


def answers_of(session: Session, member_id: int) -> list[dict]:
    """A member's survey answers, newest first."""
    rows = session.scalars(select(SurveyResponse).where(SurveyResponse.member_id == member_id)
                           .order_by(SurveyResponse.answered_at.desc(), SurveyResponse.id.desc()))
    return [{"at": r.answered_at, "store_id": r.store_id, "rating": r.rating, "comment": r.comment} for r in rows]


def csat_by_store_and_week(session: Session, start: datetime, end: datetime) -> list[WeeklyCsat]:
    """Share of 4-5 ratings per store and local week (weeks start on Monday), newest week first.
    `start` and `end` carry the store's timezone."""
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for store, answered, rating in session.execute(
            select(_store(), SurveyResponse.answered_at, SurveyResponse.rating)
            .where(SurveyResponse.answered_at >= start, SurveyResponse.answered_at < end)):
        day = answered.astimezone(start.tzinfo).date()
        week = (day - timedelta(days=day.weekday())).isoformat()
        counts[(store, week)][0] += 1
        counts[(store, week)][1] += rating >= 4
    rows = [WeeklyCsat(store, week, n, good) for (store, week), (n, good) in counts.items()]
    return sorted(rows, key=lambda w: (w.week_start, w.store), reverse=True)


def follow_up_queue(session: Session) -> list[ResponseRow]:
    """Low ratings waiting for staff to follow up, oldest first."""
    q = (select(SurveyResponse, Member.member_code, Member.display_name)
         .join(Member, Member.id == SurveyResponse.member_id)
         .where(SurveyResponse.needs_follow_up.is_(True), SurveyResponse.followed_up_at.is_(None))
         .order_by(SurveyResponse.answered_at, SurveyResponse.id))
    return [replace(_row(r, code), member_name=name) for r, code, name in session.execute(q)]


def answer(session: Session, response_id: int, member_id: int) -> ResponseRow | None:
    """One of a member's survey answers (the one a follow-up chat is about), or None."""
    response = session.get(SurveyResponse, response_id)
    if response is None or response.member_id != member_id:
        return None
    return _row(response, None)
