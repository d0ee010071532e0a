"""One order as a shop reports it, checked once: `OrderInput.parse(row, now, settings)`.

The API body, an import file's row and `record_order` all go through this one check; whatever
holds an `OrderInput` may trust it (types, lengths, text without control characters, a channel in
its normal form, a member code in upper case, an order time inside the accepted window).

Accepted order times: from `settings.order_history_days` back (imports of history) to
`settings.order_future_minutes` ahead (clocks of tills drift); anything else is refused, so a year 1
or year 9999 order never reaches the ledger, the dashboard or a sweep.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Mapping

from core.text_checks import text_problem

from core.field_errors import FieldErrors
from .models import ORDER_CHANNELS
from .settings import ProgramSettings
from core.timeutil import require_aware

MAX_AMOUNT = 1_000_000_000  # NT$; a sanity bound well inside a 32-bit column
LIMITS = {"order_id": 64, "member_code": 16, "store_id": 32, "refund_id": 64}
ITEM_TEXT_LIMITS = {"sku": 64, "name": 200, "category": 64}
MAX_ITEMS = 500


def normalise_channel(value: Any) -> str | None:
    """'store' or 'online' however it was written (' STORE ', 'Online'), or None."""
    channel = value.strip().lower() if isinstance(value, str) else None
    return channel if channel in ORDER_CHANNELS else None


@dataclass(frozen=True)
class OrderInput:
    channel: str
    order_id: str
    member_code: str
    amount: int
    placed_at: datetime
    store_id: str | None = None
    items: list | None = None

    @classmethod
    def parse(cls, row: Any, now: datetime, settings: ProgramSettings, *, from_text: bool = False) -> "OrderInput":
        """Check one order (channel, order_id, member_code, amount, placed_at, store_id, items) and
        return it typed; raise FieldErrors naming every bad field. `from_text`: the values come
        from a text file (CSV), so "1250" is a number and items are a JSON string."""
        require_aware(now)
        if not isinstance(row, Mapping):
            raise FieldErrors({"body": "must be an object"})
        errors: dict[str, str] = {}
        channel = normalise_channel(row.get("channel"))
        if channel is None:
            errors["channel"] = "must be 'store' or 'online'"
        order_id = check_text(row.get("order_id"), "order_id", errors, from_text)
        member_code = check_text(row.get("member_code"), "member_code", errors, from_text)
        store_id = check_text(row.get("store_id"), "store_id", errors, from_text, required=False)
        amount = check_amount(row.get("amount"), errors, from_text)
        placed_at = _placed_at(row.get("placed_at"), now, settings, errors)
        items = _items(row.get("items"), errors, from_text)
        if errors:
            raise FieldErrors(errors)
        return cls(channel, order_id, member_code.upper(), amount, placed_at, store_id, items)  # type: ignore[arg-type]


def check_text(value: Any, name: str, errors: dict[str, str], from_text: bool = False, required: bool = True,
               limit: int | None = None) -> str | None:
    if from_text and isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors[name] = "is required"
        return None
    if not isinstance(value, str):
        errors[name] = "must be a string"
        return None
    # checked as written, then trimmed: the API's document states these rules as a pattern and a maxLength
    problem = text_problem(value, single_line=True)
    if problem:
        errors[name] = problem
        return None
    limit = limit or LIMITS[name]
    if len(value) > limit:
        errors[name] = f"must be at most {limit} characters"
        return None
    return value.strip()


def _whole(value: Any, from_text: bool) -> int | None:
    if from_text and isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None


def check_amount(value: Any, errors: dict[str, str], from_text: bool = False) -> int | None:
    amount = _whole(value, from_text)
    if value is None:
        errors["amount"] = "is required"
    elif amount is None:
        errors["amount"] = "must be a whole number of NT$"
    elif not 0 <= amount <= MAX_AMOUNT:
        errors["amount"] = f"must be between 0 and {MAX_AMOUNT:,}"
        return None
    return amount


def accepted_window(now: datetime, settings: ProgramSettings) -> tuple[datetime, datetime]:
    """The earliest and latest order time accepted at `now`."""
    return now - timedelta(days=settings.order_history_days), now + timedelta(minutes=settings.order_future_minutes)


def _placed_at(value: Any, now: datetime, settings: ProgramSettings, errors: dict[str, str]) -> datetime | None:
    if isinstance(value, str):
        problem = text_problem(value, single_line=True)
        try:
            value = None if problem else datetime.fromisoformat(value.strip())
        except ValueError:
            value = None
        if value is None:
            errors["placed_at"] = "must be an ISO 8601 date-time with a UTC offset, e.g. 2026-11-20T14:03:00+08:00"
            return None
    if not isinstance(value, datetime):
        errors["placed_at"] = "is required (ISO 8601 with a UTC offset)"
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        errors["placed_at"] = "needs a UTC offset, e.g. +08:00"
        return None
    earliest, latest = accepted_window(now, settings)
    try:
        inside = earliest <= value <= latest
    except OverflowError:  # e.g. 9999-12-31T23:00-08:00 is past the last instant Python knows
        inside = False
    if not inside:
        errors["placed_at"] = (f"must be between {earliest.isoformat(timespec='seconds')} and "
                               f"{latest.isoformat(timespec='seconds')}")
        return None
    return value


def _items(value: Any, errors: dict[str, str], from_text: bool) -> list | None:
    if value is None or (from_text and isinstance(value, str) and not value.strip()):
        return None
    if from_text and isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            errors["items"] = "must be a JSON array"
            return None
    if not isinstance(value, list):
        errors["items"] = "must be an array"
        return None
    if len(value) > MAX_ITEMS:
        errors["items"] = f"may hold at most {MAX_ITEMS} lines"
        return None
    for index, item in enumerate(value):
        problem = _item_problem(item)
        if problem:
            name, what = problem
            errors[f"items[{index}]" + (f".{name}" if name else "")] = what
            return None
    return value or None


def _item_problem(item: Any) -> tuple[str, str] | None:
    if not isinstance(item, dict):
        return "", "must be an object"
    for name in ("quantity", "price"):
        number = _whole(item.get(name), False)
        if item.get(name) is None:
            return name, "is required"
        if number is None:
            return name, "must be a whole number"
        if not 0 <= number <= MAX_AMOUNT:
            return name, f"must be between 0 and {MAX_AMOUNT:,}"
    for name, limit in ITEM_TEXT_LIMITS.items():
        value = item.get(name)
        if value is None and name != "sku":
            continue
        if not isinstance(value, str):
            return name, "is required" if value is None else "must be a string"
        if len(value) > limit:
            return name, f"must be at most {limit} characters"
    return None
