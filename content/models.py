"""Tables of the engagement domain. Pure SQLAlchemy: no Flask, no LINE."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from rewards.models import Base


class SenderStatus(Base):
    """How the outbox sender stands with LINE, for staff to see. One row (id 1): one channel.

    `monthly_limit_reached_at` is set when LINE refuses pushes because the channel's monthly message
    quota is used up; the sender then stops until the month turns or staff clear it.
    """

    __tablename__ = "sender_status"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    monthly_limit_reached_at: Mapped[datetime | None]
    monthly_limit_message: Mapped[str | None] = mapped_column(Text)
    # the last time the sender tried LINE again while the limit stood (a plan may be upgraded mid-month)
    monthly_limit_checked_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]
