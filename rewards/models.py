"""Tables of the loyalty domain. Pure SQLAlchemy: no Flask, no LINE."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (JSON, false, BigInteger, Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, text,
                        SmallInteger, String, Text, UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column

from core.orm import Base, BigId

# friend and member: a LINE user; imported: a record moved in from another programme, not claimed
# yet (no LINE user id; rewards/member_imports.py); claimed: an imported record whose points and
# history went to the LINE member who claimed it (rewards/claims.py); erased: forgotten
MEMBER_STATUSES = ("friend", "member", "imported", "claimed", "erased")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} in (" + ", ".join(f"'{v}'" for v in values) + ")"


# the members a phone number identifies (the till's look-up): verified and not erased
VERIFIED_PHONE = "phone_verified_at is not null and erased_at is null"
# the members an email address identifies (an online order's): verified and not erased
VERIFIED_EMAIL = "email_verified_at is not null and erased_at is null"


class Member(Base):
    """Everyone who befriended the account. `status` says whether they joined the programme."""

    __tablename__ = "members"
    __table_args__ = (
        CheckConstraint("balance >= 0", name="balance_not_negative"),
        CheckConstraint("points_debt >= 0", name="points_debt_not_negative"),
        CheckConstraint(_in("status", MEMBER_STATUSES), name="status_known"),
        CheckConstraint("birthday_month is null or (birthday_month between 1 and 12)", name="birthday_month_range"),
        CheckConstraint("birthday_day is null or (birthday_day between 1 and 31)", name="birthday_day_range"),
        # the birthday sweep reads one birth month's members in id order
        Index("ix_members_birthday", "birthday_month", "id"),
        # the console's list of members who owe points (few among many)
        Index("ix_members_owing", "points_debt", sqlite_where=text("points_debt > 0"),
              postgresql_where=text("points_debt > 0")),
        # a verified number belongs to one person (core/phones.py writes it in E.164)
        Index("uq_members_verified_phone", "phone", unique=True, sqlite_where=text(VERIFIED_PHONE),
              postgresql_where=text(VERIFIED_PHONE)),
        # a verified email address belongs to one person (lower-cased, rewards/email_verification.py)
        Index("uq_members_verified_email", "email", unique=True, sqlite_where=text(VERIFIED_EMAIL),
              postgresql_where=text(VERIFIED_EMAIL)),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    member_code: Mapped[str] = mapped_column(String(16), unique=True)
    # null once the member's data is erased
    line_user_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    # sha256 of the LINE user id, kept after erasure: recognises a returning person (no second
    # welcome gift) without keeping who they are
    identity_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    display_name: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(8), default="zh-TW")
    # the member chose the language (English / 中文): replies keep to it whatever they write in
    language_chosen: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    status: Mapped[str] = mapped_column(String(12), default="friend")
    is_blocked: Mapped[bool] = mapped_column(Boolean, default=False)
    followed_at: Mapped[datetime | None]
    blocked_at: Mapped[datetime | None]
    joined_at: Mapped[datetime | None]
    consent_at: Mapped[datetime | None]
    marketing_opt_in: Mapped[bool] = mapped_column(Boolean, default=False)
    opt_in_changed_at: Mapped[datetime | None]
    birthday_month: Mapped[int | None] = mapped_column(SmallInteger)
    birthday_day: Mapped[int | None] = mapped_column(SmallInteger)
    phone: Mapped[str | None] = mapped_column(String(32), index=True)
    # when the member proved the number is theirs (an SMS code); only a verified phone finds them
    phone_verified_at: Mapped[datetime | None]
    # the email address the member proved theirs with a mailed code (lower-cased, stripped): an online
    # order with this address is theirs (rewards/shops/crediting.py)
    email: Mapped[str | None] = mapped_column(String(254))
    email_verified_at: Mapped[datetime | None]
    tier: Mapped[str] = mapped_column(String(32), default="member")
    tier_since: Mapped[datetime | None]
    # the e-invoice mobile carrier (手機條碼, "/" and 7 of 0-9 A-Z . + -) the member chose to show on
    # their card (rewards/profile.py checks it); the till scans it as Code 39
    einvoice_carrier: Mapped[str | None] = mapped_column(String(8))
    # the rich menu the member was last linked to (bot/richmenu/menus.py moves those whose tier or phone changed)
    rich_menu: Mapped[str | None] = mapped_column(String(24))
    # the tier is kept at least through this day (brought from another programme: rewards/claims.py);
    # the yearly review lowers it only after
    tier_until: Mapped[date | None] = mapped_column(Date)
    balance: Mapped[int] = mapped_column(Integer, default=0)
    # points owed: taken back by a refund after they were spent (rewards/ledger.py: SUM(debt_delta)),
    # repaid first from whatever the member earns next
    points_debt: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    tags: Mapped[list] = mapped_column(JSON, default=list)
    referral_code: Mapped[str | None] = mapped_column(String(16), unique=True)
    referred_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    referred_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    erased_at: Mapped[datetime | None]

    @property
    def is_member(self) -> bool:
        return self.status == "member"

    def __repr__(self) -> str:  # never prints personal data
        return f"<Member {self.id} {self.member_code} {self.status}>"


class OneTimeCode:
    """The columns every table of one-time codes has (rewards/one_time_codes.py); the table adds its
    address column. `provider_ref`: the carrier's id of the message (Twilio's sid, EVERY8D's batch
    id, Mitake's msgid, the mail's Message-ID)."""

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    member_id: Mapped[int] = mapped_column(BigId, ForeignKey("members.id"))
    code_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(SmallInteger, default=0)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    provider: Mapped[str | None] = mapped_column(String(16))
    provider_ref: Mapped[str | None] = mapped_column(String(64))
    used_at: Mapped[datetime | None]

    @staticmethod
    def table_args(table: str, address: str) -> tuple:
        """The statuses, and the indexes the limits count by (the member's codes, the address's)."""
        return (CheckConstraint("status in ('pending', 'sent', 'failed', 'replaced', 'used', 'dead')", name="status_known"),
                CheckConstraint("attempts >= 0", name="attempts_not_negative"),
                Index(f"ix_{table}_member_created", "member_id", "created_at"),
                Index(f"ix_{table}_{address}_created", address, "created_at"))

    def __repr__(self) -> str:  # never prints the number or the address
        return f"<{type(self).__name__} {self.id} member={self.member_id} {self.status}>"


class PhoneCode(OneTimeCode, Base):
    """One SMS one-time code sent (or about to be) to prove a phone number (rewards/phone_verification.py).

    The code itself is never stored: only an HMAC of it, keyed from the app's secret and bound to
    this row and number. `status`: pending (made, not yet handed to the gateway), sent, failed (the
    gateway refused: counts against no limit), replaced (a newer code was sent), used, dead
    (attempts used up). A row is sent at most once: `sent_at` is set when the gateway took it.
    """

    __tablename__ = "phone_codes"
    __table_args__ = OneTimeCode.table_args("phone_codes", "phone")

    # E.164; cleared when the member is erased
    phone: Mapped[str | None] = mapped_column(String(32))


class EmailCode(OneTimeCode, Base):
    """One mailed one-time code proving an email address (rewards/email_verification.py): the same
    rules and statuses as PhoneCode (rewards/one_time_codes.py); only an HMAC of the code is kept."""

    __tablename__ = "email_codes"
    __table_args__ = OneTimeCode.table_args("email_codes", "email")

    # lower-cased; cleared when the member is erased
    email: Mapped[str | None] = mapped_column(String(254))


# rows still to send; the same words in every query meant to use these partial indexes (SQLite
# uses a partial index only when the query repeats its condition literally)
UNSENT = "status in ('pending', 'sending')"


class Outbox(Base):
    """A message the bot sends on its own (push/multicast), written with the change that causes it.

    The domain records *what* to tell (kind + params); the bot renders it into LINE messages when it
    sends. `dedup_key` is the business idempotency key: one row per (cause, member), ever.
    Once claimed into a call to LINE it belongs to one `outbox_batches` row (through `outbox_claims`),
    whose state is its state until the row is settled, set-based, after the call: so `status` is read
    through rewards/outbox_state.py, never alone. A settled row keeps its batch in `batch_id`.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint("category in ('service', 'marketing')", name="category_known"),
        CheckConstraint("status in ('pending', 'sending', 'sent', 'failed', 'skipped', 'cancelled')",
                        name="status_known"),
        # partial: only rows still to send (sent, failed and skipped rows are most of the table)
        Index("ix_outbox_due", "not_before", "id", sqlite_where=text("status = 'pending'"),
              postgresql_where=text("status = 'pending'")),
        # a member's messages still to send, in the order they were made (the sender sends the first)
        Index("ix_outbox_member_unsent", "member_id", "id", sqlite_where=text(UNSENT),
              postgresql_where=text(UNSENT)),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(200), unique=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    # a direct recipient, for test sends to staff who are not members
    to_user_id: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(40))
    category: Mapped[str] = mapped_column(String(12))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    campaign_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    not_before: Mapped[datetime]
    created_at: Mapped[datetime]
    # the outbox_batches row it was sent in, written when the row is settled (no foreign key: a
    # settle writes thousands of rows at once, and PostgreSQL would check each one)
    batch_id: Mapped[int | None] = mapped_column(BigInteger)
    sent_at: Mapped[datetime | None]
    skip_reason: Mapped[str | None] = mapped_column(String(40))
    last_error: Mapped[str | None] = mapped_column(Text)


# what a call to LINE may be in: waiting for a retry, being sent, or landed
BATCH_LANDED = ("sent", "failed")


class OutboxBatch(Base):
    """One call to LINE (a push, or a multicast of up to 500) and its X-Line-Retry-Key.

    The sender's own state lives here, once per call instead of on every recipient's row: the retry
    key (stored and committed before LINE is first called, reused for every retry), the attempts,
    the lease (`claimed_at` of a 'sending' batch) and when to try again. When LINE takes it, this
    row is the only write (`status` 'sent', `sent_at`): its messages (`outbox_claims`) are in its
    state from then on, and their outbox rows are settled later (bot/outbox/claims.py).
    """

    __tablename__ = "outbox_batches"
    __table_args__ = (
        CheckConstraint("status in ('pending', 'sending', 'sent', 'failed')", name="status_known"),
        Index("ix_outbox_batches_due", "status", "not_before", sqlite_where=text(UNSENT),
              postgresql_where=text(UNSENT)),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    retry_key: Mapped[str] = mapped_column(String(36))
    # decided at the first attempt and kept for every retry under the key
    multicast: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(12))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    first_attempt_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    not_before: Mapped[datetime]
    sent_at: Mapped[datetime | None]  # when LINE took it
    last_error: Mapped[str | None] = mapped_column(Text)


class OutboxClaim(Base):
    """An outbox row claimed into a batch and not settled yet: a narrow row, so that claiming a
    recipient writes nothing to the wide outbox row (whose every update rewrites its index entries).
    Deleted when the row is settled with its batch's state, judged again, or given back."""

    __tablename__ = "outbox_claims"

    outbox_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # no index: a claim writes thousands at once, and only a retry, a give-back and the settle look
    # rows up by batch (the table holds the claims not settled yet, a drain's at the most)
    batch_id: Mapped[int] = mapped_column(BigInteger)


# --------------------------------------------------------------------------------------------------
# The loyalty domain's own tables. Money (NT$) and points are integers; instants are UTCDateTime.
# --------------------------------------------------------------------------------------------------

LEDGER_KINDS = ("earn", "redeem", "expire", "refund", "adjust", "bonus")
ORDER_CHANNELS = ("store", "online")
ORDER_STATUSES = ("paid", "partially_refunded", "refunded")
COUPON_KINDS = ("welcome", "birthday", "reward", "campaign")


class PointsLedger(Base):
    """One change of a member's points. The member's cached balance is always SUM(delta).

    A positive row is a *lot*: `remaining` is what is left of it, consumed oldest-expiry first by
    negative rows, and `expires_at` is the instant it stops counting (null: never expires).
    Negative rows have `remaining` null. `idempotency_key` makes every change happen once.
    """

    __tablename__ = "points_ledger"
    __table_args__ = (
        CheckConstraint(_in("kind", LEDGER_KINDS), name="kind_known"),
        CheckConstraint("remaining is null or (remaining >= 0 and remaining <= delta)", name="remaining_range"),
        CheckConstraint("shortfall >= 0", name="shortfall_not_negative"),
        Index("ix_points_ledger_member", "member_id", "id"),
        Index("ix_points_ledger_expiry", "expires_at", "remaining"),
        # a member's next expiring points (ledger.expiring_next) without reading their whole history
        Index("ix_points_ledger_member_expiry", "member_id", "expires_at", "remaining"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    delta: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(12))
    # words that earlier versions wrote here; no longer written nor read (the words are the edge's:
    # bot/ledger_lines.py renders reason_code and reason_params)
    reason: Mapped[str] = mapped_column(Text, default="")
    # why the points changed, as data: a code and its parameters
    reason_code: Mapped[str] = mapped_column(String(40))
    reason_params: Mapped[dict] = mapped_column(JSON, default=dict)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    remaining: Mapped[int | None] = mapped_column(Integer)
    # who made a manual adjustment (staff email, "cli:...", "api:keyname")
    actor: Mapped[str | None] = mapped_column(String(200))
    # points that should have been taken back but were already spent
    shortfall: Mapped[int] = mapped_column(Integer, default=0)
    # the change of the member's points debt: + a refund's shortfall, - a repayment (a `debt_repaid`
    # row); members.points_debt is always SUM(debt_delta), as members.balance is SUM(delta)
    debt_delta: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    def __repr__(self) -> str:
        return f"<PointsLedger {self.id} m{self.member_id} {self.kind} {self.delta:+d}>"


class Order(Base):
    """A purchase reported by a shop system, once per (channel, external_id)."""

    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("channel", "external_id"),
        CheckConstraint(_in("channel", ORDER_CHANNELS), name="channel_known"),
        CheckConstraint(_in("status", ORDER_STATUSES), name="status_known"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        CheckConstraint("net_amount >= 0 and net_amount <= amount", name="net_amount_range"),
        Index("ix_orders_member_placed", "member_id", "placed_at"),
        # the survey sweep reads the last few days' orders
        Index("ix_orders_placed", "placed_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel: Mapped[str] = mapped_column(String(12))
    external_id: Mapped[str] = mapped_column(String(64))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    amount: Mapped[int] = mapped_column(Integer)  # NT$ as paid
    net_amount: Mapped[int] = mapped_column(Integer)  # NT$ after refunds
    status: Mapped[str] = mapped_column(String(20), default="paid")
    placed_at: Mapped[datetime]
    store_id: Mapped[str | None] = mapped_column(String(32))
    items: Mapped[list | None] = mapped_column(JSON)
    tier_at_order: Mapped[str] = mapped_column(String(32))
    multiplier_pct: Mapped[int] = mapped_column(Integer)
    points_earned: Mapped[int] = mapped_column(Integer, default=0)
    # sha256 of the canonical request: same request again -> same result, same id + other content -> conflict
    request_fingerprint: Mapped[str] = mapped_column(String(64))
    # the result as first answered, so a replay answers the very same
    balance_after: Mapped[int] = mapped_column(Integer, default=0)
    tier_after: Mapped[str] = mapped_column(String(32))
    tier_changed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    def __repr__(self) -> str:
        return f"<Order {self.id} {self.channel}:{self.external_id} {self.status}>"


class Refund(Base):
    """A (partial) refund of an order, once per (order, refund_id)."""

    __tablename__ = "order_refunds"
    __table_args__ = (
        UniqueConstraint("order_id", "refund_id"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("points_reversed >= 0 and shortfall >= 0", name="points_not_negative"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    refund_id: Mapped[str] = mapped_column(String(64))
    amount: Mapped[int] = mapped_column(Integer)
    # points actually taken back for this refund, and what could not be (already spent)
    points_reversed: Mapped[int] = mapped_column(Integer, default=0)
    shortfall: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]


class Coupon(Base):
    """A discount a member can use once. `code` is unguessable; `uniqueness_key` lets the database
    enforce "one welcome coupon ever" (`welcome:{member_id}`), "one birthday coupon a year"
    (`birthday:{member_id}:{year}`), "one coupon per reward redemption" (`redeem:{member_id}:{nonce}`)."""

    __tablename__ = "coupons"
    __table_args__ = (
        CheckConstraint(_in("kind", COUPON_KINDS), name="kind_known"),
        CheckConstraint("value >= 0", name="value_not_negative"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    value: Mapped[int] = mapped_column(Integer)  # NT$ off
    valid_from: Mapped[datetime]
    valid_until: Mapped[datetime]  # the instant it stops being valid
    redeemed_at: Mapped[datetime | None]
    redeemed_channel: Mapped[str | None] = mapped_column(String(12))
    redeemed_store_id: Mapped[str | None] = mapped_column(String(32))
    # the shop's own order reference given at the till (it may reach us before the order does)
    redeemed_order_id: Mapped[str | None] = mapped_column(String(64))
    uniqueness_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    reward_id: Mapped[int | None] = mapped_column(ForeignKey("rewards.id"))
    created_at: Mapped[datetime]

    def title(self, language: str) -> str:
        return self.title_en if language == "en" else self.title_zh

    def __repr__(self) -> str:  # the code is a bearer secret: never printed whole
        return f"<Coupon {self.id} {self.kind} {self.code[:3]}…>"


class Reward(Base):
    """Something in the catalog a member can buy with points; it is handed out as a coupon."""

    __tablename__ = "rewards"
    __table_args__ = (
        CheckConstraint("cost > 0", name="cost_positive"),
        CheckConstraint("stock is null or stock >= 0", name="stock_not_negative"),
        CheckConstraint("coupon_value >= 0", name="coupon_value_not_negative"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    cost: Mapped[int] = mapped_column(Integer)  # points
    stock: Mapped[int | None] = mapped_column(Integer)  # null = unlimited
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    coupon_value: Mapped[int] = mapped_column(Integer, default=0)  # NT$ off on the coupon it gives
    created_at: Mapped[datetime]

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_zh


class AuditLog(Base):
    """Who did what to whom: staff adjustments, reviews, imports."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_target", "target", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(200))  # staff email, "cli:...", "api:keyname", "system"
    action: Mapped[str] = mapped_column(String(60))
    target: Mapped[str] = mapped_column(String(200))
    details: Mapped[dict] = mapped_column(JSON, default=dict)


UNCLAIMED = "claimed_at is null and erased_at is null"


class MemberImport(Base):
    """One member record moved in from another programme (rewards/member_imports.py), keyed by
    (source, external_id). Its points, tier and history live on its own `members` row (status
    `imported`, no LINE user id) until a LINE member claims it (rewards/claims.py) by a verified
    phone or the printed `claim_code`. What the file said that `members` has no column for is kept
    here (email) and cleared when the record is erased (privacy/unclaimed_imports.py).
    """

    __tablename__ = "member_imports"
    __table_args__ = (
        UniqueConstraint("source", "external_id", name="uq_member_imports_source_external_id"),
        # the expiry sweep reads unclaimed records by import time
        Index("ix_member_imports_unclaimed", "imported_at", sqlite_where=text(UNCLAIMED),
              postgresql_where=text(UNCLAIMED)),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    external_id: Mapped[str] = mapped_column(String(64))
    # the record's own members row (null only inside the import's unit of work)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), unique=True)
    member_code: Mapped[str] = mapped_column(String(16), unique=True)
    email: Mapped[str | None] = mapped_column(String(254))
    # typed in chat to claim the record; null once claimed or erased
    claim_code: Mapped[str | None] = mapped_column(String(16), unique=True)
    imported_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    # how: "phone" or "code"
    claimed_by: Mapped[str | None] = mapped_column(String(8))
    erased_at: Mapped[datetime | None]


class ClaimAttempt(Base):
    """How many claim codes one LINE user tried in the current window (rewards/claims.py), counted
    in the database with one conditional UPDATE (core/attempts.py) so every web process counts the same."""

    __tablename__ = "claim_attempts"

    line_user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[datetime]


SPEND_STATUSES = ("spent", "cancelled")


class PointsSpend(Base):
    """Points a member spent at the till as a discount on one order, once per (channel, order id).

    `points_returned` is what came back since (a cancel gives back the rest; each refund of the
    order its share); it never exceeds `points`. `balance_after` and `cancel_balance` keep the
    balance each answer first gave, so a replay answers the same."""

    __tablename__ = "points_spends"
    __table_args__ = (
        UniqueConstraint("channel", "order_id"),
        CheckConstraint(_in("channel", ORDER_CHANNELS), name="channel_known"),
        CheckConstraint(_in("status", SPEND_STATUSES), name="status_known"),
        CheckConstraint("points > 0 and discount >= 0", name="points_positive"),
        CheckConstraint("points_returned >= 0 and points_returned <= points", name="returned_range"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    spend_id: Mapped[str] = mapped_column(String(16), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    channel: Mapped[str] = mapped_column(String(12))
    order_id: Mapped[str] = mapped_column(String(64))
    points: Mapped[int] = mapped_column(Integer)
    discount: Mapped[int] = mapped_column(Integer)  # NT$
    status: Mapped[str] = mapped_column(String(12), default="spent")
    points_returned: Mapped[int] = mapped_column(Integer, default=0)
    balance_after: Mapped[int] = mapped_column(Integer)
    cancel_balance: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<PointsSpend {self.id} {self.spend_id} {self.status}>"


class AccountLinkRequest(Base):
    """One run of LINE's account link flow for a member: the link token LINE issued for them, then
    the nonce this project made for the shop's customer who logged in with it. Single-use: `used_at`
    is set by the `accountLink` event that completes it (or fails it)."""

    __tablename__ = "account_link_requests"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    link_token: Mapped[str] = mapped_column(String(128), unique=True)
    token_expires_at: Mapped[datetime]
    nonce: Mapped[str | None] = mapped_column(String(64), unique=True)
    platform: Mapped[str | None] = mapped_column(String(32))
    customer_id: Mapped[str | None] = mapped_column(String(128))
    nonce_expires_at: Mapped[datetime | None]
    used_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime]


class MemberLink(Base):
    """A member's account on a shop platform (linked through LINE's account link): how a shop
    connector finds the member of a customer. One member per (platform, customer id), one customer
    id per member and platform."""

    __tablename__ = "member_links"
    __table_args__ = (
        UniqueConstraint("platform", "customer_id"),
        UniqueConstraint("member_id", "platform"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    platform: Mapped[str] = mapped_column(String(32))
    customer_id: Mapped[str] = mapped_column(String(128))
    linked_at: Mapped[datetime]
