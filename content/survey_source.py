"""The console's one door to survey data, so its pages work before (and after) the survey tables exist.

The survey tables are built by the "Engagement" work. Until `content.models` defines them, every
function here answers "no data" and `available()` is False; the pages then say surveys are not set up.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from . import models


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


def available() -> bool:
    return hasattr(models, "SurveyResponse")


def answers_of(session: Session, member_id: int) -> list[dict]:
    """A member's survey answers, newest first: [{"at", "rating", "comment", "store_id"}]."""
    return []


def satisfaction(session: Session, start: datetime, end: datetime) -> Satisfaction:
    """Ratings answered in [start, end)."""
    return Satisfaction()


def satisfaction_by_store(session: Session, start: datetime, end: datetime) -> dict[str, Satisfaction]:
    return {}


def stores(session: Session) -> list[str]:
    """Stores that have survey answers."""
    return []


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
    store_id: str | None
    rating: int
    comment: str | None
    follow_up_done_at: datetime | None = None


@dataclass(frozen=True)
class WeeklyCsat:
    store: str
    week_start: str  # ISO date of the Monday
    responses: int
    satisfied: int   # ratings of 4 or 5

    @property
    def csat(self) -> float | None:
        return self.satisfied / self.responses if self.responses else None


LOW_SCORE = 2  # ratings at or below this go to the follow-up queue


def responses(session: Session, f: ResponseFilter, limit: int = 500) -> list[ResponseRow]:
    return []


def csat_by_store_and_week(session: Session, start: datetime, end: datetime) -> list[WeeklyCsat]:
    return []


def follow_up_queue(session: Session, include_done: bool = False) -> list[ResponseRow]:
    """Low scores (rating <= LOW_SCORE) waiting for staff to follow up, oldest first."""
    return []


def mark_follow_up_done(session: Session, response_id: int, actor: str, now: datetime) -> bool:
    """True when the response was waiting and is now marked done."""
    return False
