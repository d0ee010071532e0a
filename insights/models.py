"""Tables of insights: saved segments, RFM scores, survey answers and the dashboard's rollups. Pure SQLAlchemy."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (JSON, BigInteger, Boolean, CheckConstraint, ForeignKey, Index, Integer, SmallInteger, String,
                        Text)
from sqlalchemy.orm import Mapped, mapped_column

from core.orm import Base, BigId
from rewards.models import Member, Order, Refund


class Segment(Base):
    """A saved, named audience: a filter definition over members (see insights/segments.py)."""

    __tablename__ = "segments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    definition: Mapped[dict] = mapped_column(JSON, default=dict)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    archived_at: Mapped[datetime | None]


RFM_SEGMENTS = ("champions", "loyal", "potential", "new", "at_risk", "cant_lose", "hibernating", "lost")


class RfmScore(Base):
    """A member's recency, frequency and monetary scores (quintiles 1-5) and named segment, scored
    nightly over members who bought at least once (see insights/rfm.py)."""

    __tablename__ = "rfm_scores"
    __table_args__ = (
        CheckConstraint("r between 1 and 5 and f between 1 and 5 and m between 1 and 5", name="scores_range"),
    )

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    recency_days: Mapped[int] = mapped_column(Integer)
    frequency: Mapped[int] = mapped_column(Integer)
    monetary: Mapped[int] = mapped_column(BigInteger)
    r: Mapped[int] = mapped_column(SmallInteger)
    f: Mapped[int] = mapped_column(SmallInteger)
    m: Mapped[int] = mapped_column(SmallInteger)
    segment: Mapped[str] = mapped_column(String(20), index=True)
    scored_at: Mapped[datetime]


SURVEY_INVITATION_STATUSES = ("open", "answered", "closed")


class SurveyInvitation(Base):
    """One invitation to rate a purchase, one per order. Its outbox row (kind `survey_invitation`,
    dedup key `survey:{order_id}`) is written with it and goes out at `invite_at`. An answer later
    than `settings.survey_answer_days` after `invite_at` closes it instead of being recorded."""

    __tablename__ = "survey_invitations"
    __table_args__ = (
        CheckConstraint("status in ('open', 'answered', 'closed')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    channel: Mapped[str] = mapped_column(String(12))
    store_id: Mapped[str | None] = mapped_column(String(32))
    invite_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(12), default="open")
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


LOW_RATING = 2  # a survey rating this low or lower needs a follow-up by staff


class SurveyResponse(Base):
    """A member's answer to an invitation: a rating of 1-5 and an optional comment. A rating of 1 or 2
    needs a follow-up by staff (`needs_follow_up`), done when `followed_up_at` is set."""

    __tablename__ = "survey_responses"
    __table_args__ = (
        CheckConstraint("rating between 1 and 5", name="rating_range"),
        Index("ix_survey_responses_answered", "answered_at"),
        Index("ix_survey_responses_follow_up", "needs_follow_up", "followed_up_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("survey_invitations.id"), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    store_id: Mapped[str | None] = mapped_column(String(32), index=True)
    rating: Mapped[int] = mapped_column(SmallInteger)
    comment: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime]
    commented_at: Mapped[datetime | None]
    needs_follow_up: Mapped[bool] = mapped_column(Boolean, default=False)
    followed_up_at: Mapped[datetime | None]
    followed_up_by: Mapped[str | None] = mapped_column(String(200))


class RollupState(Base):
    """When the rollups were last built, and the cut-off they hold: orders and refunds created up to
    `cutoff` are in them; everything created later is read live. One row (id 1)."""

    __tablename__ = "rollup_state"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cutoff: Mapped[datetime]
    timezone: Mapped[str] = mapped_column(String(64))  # the local days of sales_daily
    built_at: Mapped[datetime]


class SalesDaily(Base):
    """Member sales per local day and store, of orders and refunds created up to the cut-off."""

    __tablename__ = "sales_daily"

    day: Mapped[date] = mapped_column(primary_key=True)
    store: Mapped[str] = mapped_column(String(32), primary_key=True)  # "online" for online orders
    gross: Mapped[int] = mapped_column(BigInteger)  # sum of order amounts
    refunds: Mapped[int] = mapped_column(BigInteger)  # sum of refunds on those days' orders


class MemberPurchaseStats(Base):
    """Per member, of the orders and refunds created up to the cut-off C (see insights/purchase_facts.py)."""

    __tablename__ = "member_purchase_stats"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    first_order_at: Mapped[datetime] = mapped_column(index=True)  # the first order ever placed
    last_order_at: Mapped[datetime | None]  # the last one not fully refunded
    orders: Mapped[int] = mapped_column(Integer)  # orders not fully refunded
    spend_window: Mapped[int] = mapped_column(BigInteger)  # net spend on orders placed in the 12 months before C


# Indexes the dashboard's live parts need on the loyalty tables (declared here, with the queries that use them).
Index("ix_orders_created_at", Order.created_at)
Index("ix_order_refunds_created_at", Refund.created_at)
Index("ix_members_joined_at", Member.joined_at)
Index("ix_members_erased_at", Member.erased_at)
Index("ix_members_created_at", Member.created_at)
