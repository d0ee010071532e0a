"""What a platform's delivery means, in one shape whatever the platform: an order to credit, a
refund, a cancellation, or nothing to do. Each platform's module reads its payloads into these."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Mapping


class PayloadError(ValueError):
    """A delivery that cannot be read (a field missing or of the wrong type): recorded as failed with
    this message as its reason."""


@dataclass(frozen=True)
class Contact:
    """What may name the member, in the order it is tried."""

    member_code: str | None = None
    customer_id: str | None = None
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class PlacedOrder:
    platform: str
    shop: str
    order_id: str
    order_name: str | None
    contact: Contact
    total: Decimal  # what the customer paid in `currency`, shipping included
    shipping: Decimal
    paid_with_points: Decimal
    currency: str
    placed_at: datetime


@dataclass(frozen=True)
class OrderRefund:
    platform: str
    shop: str
    order_id: str
    refund_id: str
    amount: Decimal  # of the goods (shipping refunds left out), in `currency`
    currency: str


@dataclass(frozen=True)
class OrderCancel:
    platform: str
    shop: str
    order_id: str
    why: str = "cancelled"


@dataclass(frozen=True)
class Nothing:
    """A delivery with nothing to do (an order not paid yet, a ping); `why` is recorded."""

    why: str


Event = PlacedOrder | OrderRefund | OrderCancel | Nothing


# -- reading payloads --------------------------------------------------------------------------------

def obj(value: Any, name: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise PayloadError(f"{name} must be an object")
    return value


def text(value: Any, name: str, required: bool = True, limit: int = 128) -> str | None:
    if isinstance(value, bool):
        value = None
    if isinstance(value, int):
        value = str(value)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise PayloadError(f"{name} is missing")
        return None
    if not isinstance(value, str):
        raise PayloadError(f"{name} must be a string")
    value = value.strip()
    if len(value) > limit or any(ord(c) < 32 for c in value):
        raise PayloadError(f"{name} must be one line of at most {limit} characters")
    return value


def instant(value: Any, name: str) -> datetime:
    raw = text(value, name)
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))  # type: ignore[union-attr]
    except ValueError:
        raise PayloadError(f"{name} must be an ISO 8601 date-time") from None
    if moment.tzinfo is None:
        raise PayloadError(f"{name} needs a UTC offset")
    return moment


def listed(value: Any, name: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise PayloadError(f"{name} must be an array")
    return value


@dataclass
class Found:
    """Attributes given as name/value pairs (Shopify note attributes, WooCommerce meta data)."""

    pairs: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, items: list, key: str, value: str) -> "Found":
        return cls({str(i.get(key)).strip().lower(): i.get(value) for i in items if isinstance(i, Mapping)})

    def get(self, name: str) -> str | None:
        value = self.pairs.get(name)
        return value.strip() if isinstance(value, str) and value.strip() else None
