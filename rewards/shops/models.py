"""Tables of the online shops' connectors."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.orm import Base, BigId
from ..models import _in

PLATFORMS = ("shopify", "woocommerce", "shopline")
DELIVERY_STATUSES = ("pending", "processing", "done", "ignored", "failed")
# credited: through rewards/orders.py; waiting: no member found yet (the unmatched list);
# skipped: not creditable (its reason says why); expired: nobody claimed it in ORDER_CLAIM_DAYS;
# reversed: cancelled or deleted before it was credited
SHOP_ORDER_STATUSES = ("credited", "waiting", "skipped", "expired", "reversed")


class ShopDelivery(Base):
    """One webhook delivery, recorded before it is answered (like LINE's events in inbox_events):
    once per (platform, delivery id); processed off the request by the worker."""

    __tablename__ = "shop_deliveries"
    __table_args__ = (
        UniqueConstraint("platform", "delivery_id"),
        CheckConstraint(_in("platform", PLATFORMS), name="platform_known"),
        CheckConstraint(_in("status", DELIVERY_STATUSES), name="status_known"),
        Index("ix_shop_deliveries_status", "status", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    delivery_id: Mapped[str] = mapped_column(String(128))
    topic: Mapped[str] = mapped_column(String(64))
    shop: Mapped[str] = mapped_column(String(128))
    payload: Mapped[dict | None]
    status: Mapped[str] = mapped_column(String(12), default="pending")
    outcome: Mapped[str | None] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(String(500))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    received_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    processed_at: Mapped[datetime | None]


class ShopOrder(Base):
    """A platform's order as the connector knows it, once per (platform, shop, order id): credited
    (`order_id` names the ledger's order), waiting for its customer to be linked, skipped or expired."""

    __tablename__ = "shop_orders"
    __table_args__ = (
        UniqueConstraint("platform", "shop", "external_id"),
        CheckConstraint(_in("platform", PLATFORMS), name="platform_known"),
        CheckConstraint(_in("status", SHOP_ORDER_STATUSES), name="status_known"),
        Index("ix_shop_orders_waiting", "status", "platform", "customer_id"),
        Index("ix_shop_orders_email", "email"),
        Index("ix_shop_orders_phone", "phone"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    shop: Mapped[str] = mapped_column(String(128))
    external_id: Mapped[str] = mapped_column(String(64))
    order_name: Mapped[str | None] = mapped_column(String(64))  # as the shop shows it (#1001)
    customer_id: Mapped[str | None] = mapped_column(String(128))
    amount: Mapped[int] = mapped_column(Integer)  # NT$ that earns points
    placed_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str | None] = mapped_column(String(200))
    matched_by: Mapped[str | None] = mapped_column(String(16))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    # what the matching needs while it waits (member code, phone, email); cleared once settled
    contact: Mapped[dict | None]
    # the customer's email address, lower-cased, while the order waits: a member who verifies it
    # later claims the order (rewards/shops/crediting.py); cleared with `contact`
    email: Mapped[str | None] = mapped_column(String(254))
    # the customer's phone in E.164, while the order waits: a member who verifies it later claims the
    # order, as for the email; cleared with `contact`
    phone: Mapped[str | None] = mapped_column(String(16))
    received_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ShopSweep(Base):
    """A platform's catch-up sweep: how far it has read, and how its last run went."""

    __tablename__ = "shop_sweeps"

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    modified_after: Mapped[datetime | None]
    last_run_at: Mapped[datetime | None]
    last_result: Mapped[str | None] = mapped_column(String(200))
    last_error: Mapped[str | None] = mapped_column(String(500))
