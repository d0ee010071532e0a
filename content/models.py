"""Tables of the content library: items and who viewed them. Pure SQLAlchemy."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (JSON, CheckConstraint, ForeignKey, Index, String,
                        Text)
from sqlalchemy.orm import Mapped, mapped_column

from core.orm import Base, BigId


CONTENT_STATUSES = ("draft", "active", "retired")


class ContentItem(Base):
    """A piece of the content library (a tip, a recipe, news) that can be sent to members, e.g. picked
    for a broadcast. Bilingual; `topics` match members' interests."""

    __tablename__ = "content_items"
    __table_args__ = (
        CheckConstraint("status in ('draft', 'active', 'retired')", name="status_known"),
        CheckConstraint("kind in ('story', 'tip', 'new_product', 'faq', 'store')", name="kind_known"),
        CheckConstraint("source in ('file', 'console')", name="source_known"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200), default="")
    body_zh: Mapped[str] = mapped_column(Text, default="")
    body_en: Mapped[str] = mapped_column(Text, default="")
    image_url: Mapped[str | None] = mapped_column(String(1000))  # https, shown as the card's picture
    link_url: Mapped[str | None] = mapped_column(String(1000))  # https, "read more"
    topics: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(12), default="draft")
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    retired_at: Mapped[datetime | None]
    # -- added by the engagement work: the file library (content/library/*.md) and the drip
    kind: Mapped[str] = mapped_column(String(12), default="story")  # story, tip or new_product
    # where the item is edited: "file" items are owned by content/library/*.md (`flask content sync`)
    source: Mapped[str] = mapped_column(String(8), default="console")
    slug: Mapped[str | None] = mapped_column(String(64), unique=True)  # a file item's id (its front matter)
    source_digest: Mapped[str | None] = mapped_column(String(64))  # sha256 of the file as last synced
    published_at: Mapped[datetime | None]  # not shown before this instant; null: since created
    # -- added by issue 13: a faq's ways of asking, a store's address, hours, phone, map and place
    details: Mapped[dict | None] = mapped_column(JSON)
    # -- issue 23: staff edited it in the console; from then on the database, not its file, is the truth
    edited_at: Mapped[datetime | None]
    edited_by: Mapped[str | None] = mapped_column(String(200))

    def title(self, language: str) -> str:
        return (self.title_en or self.title_zh) if language == "en" else self.title_zh

    def body(self, language: str) -> str:
        return (self.body_en or self.body_zh) if language == "en" else self.body_zh


class ContentView(Base):
    """A member opened a content item ("read more"). Its topics count towards the member's interests."""

    __tablename__ = "content_views"
    __table_args__ = (Index("ix_content_views_member", "member_id", "viewed_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    content_id: Mapped[int] = mapped_column(ForeignKey("content_items.id", ondelete="CASCADE"), index=True)
    viewed_at: Mapped[datetime]
