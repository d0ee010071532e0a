"""Tables of the LINE plumbing: the rich menus deployed."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from core.orm import Base, BigId


class RichMenuRecord(Base):
    """A rich menu this bot created on LINE. The current one of each name has no `retired_at`;
    retired ones are deleted on LINE (and here) once their replacements are in place."""

    __tablename__ = "rich_menus"
    __table_args__ = (Index("ix_rich_menus_name_current", "name", "retired_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(20))  # "visitor" or "member"
    line_rich_menu_id: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    retired_at: Mapped[datetime | None]
