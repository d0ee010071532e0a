"""Tables of messaging: broadcasts and how the sender stands with LINE. Pure SQLAlchemy."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (JSON, BigInteger, Boolean, CheckConstraint, ForeignKey, Index, Integer, SmallInteger, String,
                        Text, UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column

from core.orm import Base, BigId


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


BROADCAST_STATUSES = ("draft", "scheduled", "queuing", "queued", "cancelled")


BROADCAST_TYPES = ("text", "image", "button", "content", "carousel")


class Broadcast(Base):
    """A marketing message to a segment (or every member), sent through the outbox at `scheduled_at`.

    While `scheduled` it can be edited or cancelled; the broadcast sweep turns it `queuing` (claimed),
    writes one outbox row per recipient (dedup key `broadcast:{id}:{member_id}`, campaign_id = id),
    then `queued`. What became of each message is read from those outbox rows.
    """

    __tablename__ = "broadcasts"
    __table_args__ = (
        CheckConstraint("status in ('draft', 'scheduled', 'queuing', 'queued', 'cancelled')", name="status_known"),
        CheckConstraint("message_type in ('text', 'image', 'button', 'content', 'carousel')", name="type_known"),
        Index("ix_broadcasts_due", "status", "scheduled_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(12), default="draft")
    segment_id: Mapped[int | None] = mapped_column(ForeignKey("segments.id"))  # null: every member
    message_type: Mapped[str] = mapped_column(String(12), default="text")
    text_zh: Mapped[str] = mapped_column(Text, default="")
    text_en: Mapped[str] = mapped_column(Text, default="")
    image_url: Mapped[str | None] = mapped_column(String(1000))
    button_label_zh: Mapped[str | None] = mapped_column(String(40))
    button_label_en: Mapped[str | None] = mapped_column(String(40))
    button_url: Mapped[str | None] = mapped_column(String(1000))
    content_item_id: Mapped[int | None] = mapped_column(BigInteger)
    # a carousel's cards (messaging/broadcasts.Card as dicts), at most 10
    cards: Mapped[list | None] = mapped_column(JSON)
    # an A/B test: [{"key": "A", "share": 50}, {"key": "B", "share": 50, "text_zh": ..., ...}] (shares of
    # those not held out, summing to 100; B-D override A's words, picture and button); null: one message
    variants: Mapped[list | None] = mapped_column(JSON)
    # who gets which variant, decided exactly when the sweep claims it (messaging/ab_split.py)
    split: Mapped[dict | None] = mapped_column(JSON)
    # LINE's own counts per aggregation unit, read by the line-statistics sweep (messaging/line_statistics.py):
    # {"bc12_A": {"opens": 25 or null (under 20), "clicks": ..., "checked_at": iso}}
    line_stats: Mapped[dict | None] = mapped_column(JSON)
    # a coupon for each recipient (messaging/campaign_coupons.Spec as a dict; "valid_until" set when sent)
    coupon: Mapped[dict | None] = mapped_column(JSON)
    scheduled_at: Mapped[datetime | None]
    queued_at: Mapped[datetime | None]
    recipients: Mapped[int | None] = mapped_column(Integer)  # outbox rows written
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]
    cancelled_by: Mapped[str | None] = mapped_column(String(200))
    # the share of the segment (0-90 %) kept out on purpose, to compare with (messaging/holdout.py)
    holdout_pct: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")


class ShortLink(Base):
    """A link in a broadcast, sent as {BOT_PUBLIC_URL}/l/{token}: the bot counts the click and redirects.
    One per broadcast and address; the token says nothing about who clicked."""

    __tablename__ = "short_links"
    __table_args__ = (Index("ix_short_links_broadcast", "broadcast_id", "variant", "url", unique=True),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    token: Mapped[str] = mapped_column(String(16), unique=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcasts.id"))
    # the A/B variant whose message carries it ("" without a test), so clicks are counted per variant
    variant: Mapped[str] = mapped_column(String(1), default="", server_default="")
    url: Mapped[str] = mapped_column(String(1000))
    clicks: Mapped[int] = mapped_column(Integer, default=0)  # counted with one UPDATE, no personal data
    created_at: Mapped[datetime]


class StaffLineLink(Base):
    """A staff member's LINE account, linked by sending the bot a one-time code shown in the console
    (messaging/staff_link.py). While a link is being made, `code` is the code and `code_selector` its
    first symbols, which name the link; `code_attempts` counts the tries made at it."""

    __tablename__ = "staff_line_links"

    staff_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)  # staff_users.id
    code: Mapped[str | None] = mapped_column(String(12), unique=True)  # while a link is being made
    code_selector: Mapped[str | None] = mapped_column(String(4), unique=True)
    code_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    code_expires_at: Mapped[datetime | None]
    # who the code was made for, as the audit trail names staff ("staff:{email}")
    staff_email: Mapped[str | None] = mapped_column(String(254))
    line_user_id: Mapped[str | None] = mapped_column(String(64))
    linked_at: Mapped[datetime | None]


class LinkAttempt(Base):
    """How many LINK codes one LINE user tried in the current window (messaging/staff_link.py): the
    limit holds across every web process because it is counted here, with one conditional UPDATE."""

    __tablename__ = "link_attempts"

    line_user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[datetime]


class JourneyStep(Base):
    """A step of the welcome journey: `delay_days` after a member joins, a message or a content item,
    if its condition holds then ("" always, "bought", "not_bought", "tier:<code>")."""

    __tablename__ = "journey_steps"
    __table_args__ = (CheckConstraint("kind in ('text', 'content')", name="kind_known"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    delay_days: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(12), default="text")
    text_zh: Mapped[str] = mapped_column(Text, default="")
    text_en: Mapped[str] = mapped_column(Text, default="")
    content_item_id: Mapped[int | None] = mapped_column(BigInteger)
    condition: Mapped[str] = mapped_column(String(40), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # members who join from this instant on get the step (nobody who joined before it was set up)
    starts_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # which journey (messaging/journey.py JOURNEYS): welcome (from joining), first_purchase, win_back
    journey: Mapped[str] = mapped_column(String(16), default="welcome", server_default="welcome")
    # a campaign coupon for each member the step goes to (messaging/campaign_coupons.Spec as a dict)
    coupon: Mapped[dict | None] = mapped_column(JSON)


class JourneySetting(Base):
    """A journey's start as staff set it: for win-back, `start_days` without an order (none: the default)."""

    __tablename__ = "journey_settings"

    journey: Mapped[str] = mapped_column(String(16), primary_key=True)
    start_days: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(200))


class JourneyEnrolment(Base):
    """A member staff put into a journey (an existing member, by segment): its steps count from `enrolled_at`."""

    __tablename__ = "journey_enrolments"
    __table_args__ = (UniqueConstraint("journey", "member_id", name="uq_journey_enrolments_journey_member"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    journey: Mapped[str] = mapped_column(String(16))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    enrolled_at: Mapped[datetime]
    enrolled_by: Mapped[str] = mapped_column(String(200))


class Handoff(Base):
    """A customer asked for a person: the bot keeps quiet on their free text until `until` or until
    staff hand the chat back (`closed_at`). `seen_at`: staff opened it in the console inbox."""

    __tablename__ = "handoffs"
    __table_args__ = (Index("ix_handoffs_user_open", "line_user_id", "closed_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    line_user_id: Mapped[str] = mapped_column(String(64))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    opened_at: Mapped[datetime]
    until: Mapped[datetime]
    last_message_at: Mapped[datetime]
    seen_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[str | None] = mapped_column(String(200))
    opened_by: Mapped[str | None] = mapped_column(String(200))  # staff who began it from a member's page
    assigned_to: Mapped[str | None] = mapped_column(String(254))  # the staff member answering it
    read_at: Mapped[datetime | None]  # the customer's messages last marked read on LINE


class HandoffMessage(Base):
    """One message of a handed-off chat, kept for staff to read: personal data, kept only while the
    chat is open plus the retention period, erased with the member, never logged."""

    __tablename__ = "handoff_messages"
    __table_args__ = (
        CheckConstraint("direction in ('in', 'out')", name="direction_known"),
        Index("ix_handoff_messages_handoff", "handoff_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    handoff_id: Mapped[int] = mapped_column(ForeignKey("handoffs.id", ondelete="CASCADE"))
    line_user_id: Mapped[str] = mapped_column(String(64), index=True)
    direction: Mapped[str] = mapped_column(String(3))  # in: from the customer; out: a staff reply
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime]
    staff: Mapped[str | None] = mapped_column(String(200))
    # text, sticker, image (sent), or note: staff's own remark, never sent (direction "out")
    kind: Mapped[str] = mapped_column(String(8), default="text", server_default="text")
    extra: Mapped[dict | None] = mapped_column(JSON)  # a sticker's package and id, an image's address
    read_token: Mapped[str | None] = mapped_column(String(400))  # the event's markAsReadToken, until used


class CannedReply(Base):
    """A reply staff use often, picked in the chat instead of typed."""

    __tablename__ = "canned_replies"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    title: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]


class UnansweredMessage(Base):
    """A message that got the "I don't understand" fallback, for staff to learn from (same retention
    and erasure as kept chat messages). `form` is its wording folded for grouping."""

    __tablename__ = "unanswered_messages"
    __table_args__ = (Index("ix_unanswered_messages_at", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    line_user_id: Mapped[str] = mapped_column(String(64), index=True)
    text: Mapped[str] = mapped_column(String(500))
    form: Mapped[str] = mapped_column(String(500), index=True)
    at: Mapped[datetime]
    answered_by: Mapped[str | None] = mapped_column(String(80))  # what staff said it is, or "dismissed"
    # the group of misses that mean the same, given by understanding when staff first list it; merging
    # two groups gives one's misses the other's key
    group_key: Mapped[int | None] = mapped_column(BigInteger, index=True)


class LabelledExample(Base):
    """A wording staff said the meaning of (from the unanswered list): understanding learns from it
    beside the shipped examples (bot/understanding/). `label` is as the examples write it: an
    intent ("points"), "faq:<slug>", "store:<slug>", "handoff" or "none"."""

    __tablename__ = "labelled_examples"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    text: Mapped[str] = mapped_column(String(500))
    label: Mapped[str] = mapped_column(String(80), index=True)
    staff_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
