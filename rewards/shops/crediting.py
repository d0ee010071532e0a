"""An online order's way into the ledger: find its member, credit it once through
rewards/orders.py (the same path as the API's orders: ledger row, receipt, tier-up, survey), take
back refunds and cancellations, and keep the orders nobody could be found for.

* The order's key is platform + shop + the platform's order id: its `orders` row is channel
  `online`, order id `shopify:<shop>:<id>` (a CSV import of the same order uses the same id), store
  the platform's name. The same order by webhook, retry or catch-up sweep is credited once.
* The member, tried in order: the member code given at checkout; the platform customer id linked
  to a member (member_links); the customer's phone, in E.164, verified by a member; the customer's
  email address (lower-cased) verified by a member (rewards/email_verification.py). The first match
  by code, phone or email links the platform customer id to the member, so the next order matches
  by link.
* Nobody found: the order waits (`waiting`); `claim_waiting` credits it once its customer id is
  linked within `claim_days`, after which it `expired`; `claim_by_phone` and `claim_by_email`
  credit the ones with a number or an address when a member verifies it within `claim_days`
  (rewards/phone_verification.py, rewards/email_verification.py).
* Refunds: once per refund id, through `orders.refund` (points taken back in proportion); a
  cancellation refunds what is left (refund id `cancel`).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import bindparam, exists, or_, select, update
from sqlalchemy.orm import Session

from core import emails, phones
from core.bulk import insert_new
from core.field_errors import FieldErrors

from .. import account_links, membership, orders
from ..errors import DomainError, OrderConflict
from ..models import Member, MemberLink, Order
from ..order_input import OrderInput
from ..settings import ProgramSettings
from ..tx import ensure_transaction
from core.timeutil import require_aware
from .events import OrderCancel, OrderRefund, PlacedOrder
from .models import ShopOrder
from .money import MoneyError, Rates, earning_amount

NAMES = {"shopify": "Shopify", "woocommerce": "WooCommerce", "shopline": "SHOPLINE"}
CANCEL_REFUND_ID = "cancel"


@dataclass(frozen=True)
class ShopSettings:
    rates: Rates = field(default_factory=lambda: Rates({}))
    claim_days: int = 30
    paid_status: str = "completed"  # WooCommerce's status that means paid

    @classmethod
    def from_config(cls, config) -> "ShopSettings":
        """From core.config.Config (SHOP_CURRENCY_RATES, ORDER_CLAIM_DAYS, WOOCOMMERCE_PAID_STATUS);
        a malformed rate raises ValueError at start-up."""
        if config.ORDER_CLAIM_DAYS < 0:
            raise ValueError("ORDER_CLAIM_DAYS must be 0 or more")
        return cls(Rates.parse(config.SHOP_CURRENCY_RATES), config.ORDER_CLAIM_DAYS,
                   (config.WOOCOMMERCE_PAID_STATUS or "completed").strip().lower())


@dataclass(frozen=True)
class Outcome:
    """What a delivery did: a code (`credited`, `waiting`, `duplicate`, `skipped`, `refunded`,
    `cancelled`, `unknown_order`, ...) and the reason when something was not done."""

    code: str
    reason: str | None = None
    points: int = 0


def order_key(platform: str, shop: str, order_id: str) -> str:
    """The `orders` row's order id for a platform's order (at most 64 characters)."""
    key = f"{platform}:{shop}:{order_id}"
    if len(key) <= 64:
        return key
    return f"{platform}:{hashlib.sha256(shop.encode()).hexdigest()[:12]}:{order_id}"[:64]


def _settle(session: Session, row: ShopOrder, now: datetime, **values) -> None:
    if "contact" in values and values["contact"] is None:
        values["email"] = values["phone"] = None  # what the matching needed goes with it
    table = ShopOrder.__table__  # a Core statement: the row is not in the session
    session.execute(update(table).where(table.c.id == row.id).values(updated_at=now, **values))
    for name, value in values.items():
        setattr(row, name, value)


def find_member(session: Session, platform: str, contact: dict) -> tuple[Member, str] | None:
    """The member an order names, and how: `code`, `link`, `phone` or `email` (see the module's doc)."""
    code = contact.get("member_code")
    if code:
        member = membership.by_code(session, code)
        if member is not None and member.status == "member":
            return member, "code"
    customer_id = contact.get("customer_id")
    if customer_id:
        member = account_links.member_for(session, platform, customer_id)
        if member is not None:
            return member, "link"
    e164 = phones.normalise_or_none(contact.get("phone"))
    if e164:
        member = membership.by_verified_phone(session, e164)
        if member is not None and member.status == "member":
            return member, "phone"
    email = emails.normalised_or_none(contact.get("email"))
    if email:
        member = membership.by_verified_email(session, email)
        if member is not None and member.status == "member":
            return member, "email"
    return None


def _link(session: Session, member: Member, platform: str, customer_id: str | None, now: datetime) -> None:
    """The customer id names this member from now on, unless it or the member is linked already."""
    if customer_id:
        insert_new(session, MemberLink.__table__, [{"member_id": member.id, "platform": platform,
                                                    "customer_id": customer_id, "linked_at": now}])


def _row(session: Session, platform: str, shop: str, external_id: str) -> ShopOrder | None:
    return session.scalar(select(ShopOrder).where(ShopOrder.platform == platform, ShopOrder.shop == shop,
                                                  ShopOrder.external_id == external_id))


def place(session: Session, event: PlacedOrder, now: datetime, settings: ProgramSettings,
          shop: ShopSettings) -> Outcome:
    """A paid order: credited once to the member it names, else kept waiting (see the module's doc)."""
    require_aware(now)
    contact = {k: v for k, v in vars(event.contact).items() if v}
    reason = None
    try:
        amount = shop.rates.to_twd(earning_amount(event.total, event.shipping, event.paid_with_points), event.currency)
    except MoneyError as exc:
        amount, reason = 0, str(exc)
    values = {"platform": event.platform, "shop": event.shop, "external_id": event.order_id,
              "order_name": event.order_name, "customer_id": event.contact.customer_id, "amount": amount,
              "placed_at": event.placed_at, "received_at": now, "updated_at": now}
    if reason is None and contact.get("member_code"):
        first = _first_by_code(session, event, values, contact["member_code"], now, settings)
        if first is not None:
            return first
    inserted = insert_new(session, ShopOrder.__table__, [{
        **values, "status": "skipped" if reason else "waiting", "reason": reason,
        "contact": None if reason else contact,
        "email": None if reason else emails.normalised_or_none(event.contact.email),
        "phone": None if reason else phones.normalise_or_none(event.contact.phone)}],
        returning=(ShopOrder.__table__.c.id,))
    if reason:
        return Outcome("skipped" if inserted else "duplicate", reason)
    if inserted:  # (written whole: made from its values, not read back)
        row = ShopOrder(id=inserted[0][0], platform=event.platform, shop=event.shop, external_id=event.order_id,
                        customer_id=event.contact.customer_id, amount=amount, placed_at=event.placed_at,
                        status="waiting", contact=contact)
        return _credit(session, row, now, settings)
    row = _row(session, event.platform, event.shop, event.order_id)
    if row.status != "waiting":  # type: ignore[union-attr]
        return Outcome("duplicate")
    return _credit(session, row, now, settings)  # type: ignore[arg-type]


def _first_by_code(session: Session, event: PlacedOrder, values: dict, code: str, now: datetime,
                   settings: ProgramSettings) -> Outcome | None:
    """The common case in few statements: an order received for the first time that names its
    member by a code given at checkout. One UPDATE ... RETURNING (FIRST_BY_CODE) locks and reads the
    member, with whether the shop order was received before and whether the customer id (or the
    member) is linked on this platform already (the orders path takes no lock again); the order is
    then recorded, and the shop order written once, settled (no waiting row to update
    after) and the link only when new. None when that is not the case (no such member, or the shop
    order was received before): `place` takes the general way, which decides as before."""
    ensure_transaction(session)
    found = session.execute(FIRST_BY_CODE, {
        "lock_code": code.strip().upper(), "probe_platform": event.platform, "probe_shop": event.shop,
        "probe_order": event.order_id, "probe_customer": event.contact.customer_id}).first()
    if found is None or found[0].status != "member" or found[1]:
        return None
    member, _received, is_linked = found
    settled, outcome = _record(session, member, "code", event.platform, event.shop, event.order_id,
                               event.contact.customer_id, values["amount"], event.placed_at, now, settings,
                               linked=is_linked, locked=True)
    written = insert_new(session, ShopOrder.__table__, [{**values, "reason": None, **settled, "email": None,
                                                         "phone": None}], returning=(ShopOrder.__table__.c.id,))
    # written by another delivery of the same order in between: the order's own key credited it once
    return outcome if written else Outcome("duplicate", points=outcome.points)


_SHOP_ORDERS, _LINKS = ShopOrder.__table__, MemberLink.__table__
# _first_by_code's one statement, built once: the member by code, locked (membership.LOCKED_BY_CODE), with whether
# the shop order was received before and whether the customer id (NULL: none) or the member is linked
FIRST_BY_CODE = membership.LOCKED_BY_CODE.returning(
    Member,
    select(_SHOP_ORDERS.c.id).where(_SHOP_ORDERS.c.platform == bindparam("probe_platform"),
                                    _SHOP_ORDERS.c.shop == bindparam("probe_shop"),
                                    _SHOP_ORDERS.c.external_id == bindparam("probe_order")).correlate(None).exists(),
    exists().where(_LINKS.c.platform == bindparam("probe_platform"),
                   or_(_LINKS.c.member_id == Member.id, _LINKS.c.customer_id == bindparam("probe_customer"))))


def _credit(session: Session, row: ShopOrder, now: datetime, settings: ProgramSettings,
            found: tuple[Member, str] | None = None) -> Outcome:
    """Credit a waiting order to the member it names (`found`, else looked for)."""
    found = found or find_member(session, row.platform, row.contact or {})
    if found is None:
        return Outcome("waiting", "no member found for this order yet")
    member, how = found
    settled, outcome = _record(session, member, how, row.platform, row.shop, row.external_id, row.customer_id,
                               row.amount, row.placed_at, now, settings)
    _settle(session, row, now, **settled)
    return outcome


def _record(session: Session, member: Member, how: str, platform: str, shop: str, external_id: str,
            customer_id: str | None, amount: int, placed_at: datetime, now: datetime, settings: ProgramSettings,
            linked: bool = False, locked: bool = False) -> tuple[dict, Outcome]:
    """The order recorded for `member` through the orders API's path (and the customer id linked to
    them when found otherwise than by link, unless `linked` says it or the member is already):
    (what the shop order settles to, the outcome)."""
    name = NAMES[platform]
    key = order_key(platform, shop, external_id)
    try:
        data = OrderInput.parse({"channel": "online", "order_id": key,
                                 "member_code": member.member_code, "amount": amount, "placed_at": placed_at,
                                 "store_id": platform}, now, settings)
        result = orders.record_order(session, member, data, now, settings, store_names=(name, name), locked=locked)
    except OrderConflict:  # recorded by another way in (an import of the same order id): once
        earlier = orders._get_order(session, "online", key)
        return ({"status": "credited", "matched_by": "order", "order_id": earlier.id, "contact": None},
                Outcome("duplicate", "the order was recorded before by another way in"))
    except (FieldErrors, DomainError) as exc:
        why = "; ".join(f"{k} {v}" for k, v in exc.problems.items()) if isinstance(exc, FieldErrors) else exc.message
        return {"status": "skipped", "reason": why[:200], "contact": None}, Outcome("skipped", why)
    if how != "link" and not linked:
        _link(session, member, platform, customer_id, now)
    return ({"status": "credited", "matched_by": how, "order_id": result.order.id, "contact": None, "reason": None},
            Outcome("credited" if result.created else "duplicate", points=result.points_earned))


def refund(session: Session, event: OrderRefund, now: datetime, settings: ProgramSettings,
           shop: ShopSettings) -> Outcome:
    row = _row(session, event.platform, event.shop, event.order_id)
    if row is None:
        return Outcome("unknown_order", "no such order was received")
    try:
        amount = shop.rates.to_twd(event.amount, event.currency)
    except MoneyError as exc:
        return Outcome("skipped", str(exc))
    return _take_back(session, row, event.refund_id, amount, now, settings, "refunded")


def cancel(session: Session, event: OrderCancel, now: datetime, settings: ProgramSettings) -> Outcome:
    row = _row(session, event.platform, event.shop, event.order_id)
    if row is None:
        return Outcome("unknown_order", "no such order was received")
    return _take_back(session, row, CANCEL_REFUND_ID, None, now, settings, "cancelled")


def _take_back(session: Session, row: ShopOrder, refund_id: str, amount: int | None, now: datetime,
               settings: ProgramSettings, code: str) -> Outcome:
    """`amount` NT$ of the order back (None: all that is left), once per refund id."""
    if row.status != "credited":
        if row.status == "waiting":
            left = 0 if amount is None else max(row.amount - amount, 0)
            contact = dict(row.contact or {})
            taken = dict(contact.get("refunds") or {})
            if refund_id in taken:
                return Outcome("duplicate")
            taken[refund_id] = row.amount - left
            _settle(session, row, now, amount=left, contact={**contact, "refunds": taken},
                    **({"status": "reversed", "contact": None} if amount is None else {}))
        return Outcome(code, f"the order was not credited ({row.status})")
    order = session.get(Order, row.order_id)
    existing = orders._get_refund(session, order.id, refund_id)
    if existing is not None:
        return Outcome("duplicate")
    amount = order.net_amount if amount is None else min(amount, order.net_amount)
    if amount <= 0:
        return Outcome(code, "nothing left to take back")
    try:
        result = orders.refund(session, order, refund_id[:64], amount, now, settings)
    except (FieldErrors, DomainError) as exc:
        return Outcome("skipped", str(exc)[:200])
    return Outcome(code if result.created else "duplicate", points=-(result.points_reversed + result.shortfall))


def claim_waiting(session: Session, now: datetime, settings: ProgramSettings, shop: ShopSettings,
                  limit: int = 500) -> tuple[int, int]:
    """Waiting orders whose customer id is linked now are credited; those older than `claim_days`
    expire. Returns (credited, expired)."""
    since = now - timedelta(days=shop.claim_days)
    expired = session.execute(update(ShopOrder).where(ShopOrder.status == "waiting", ShopOrder.received_at < since)
                              .values(status="expired", contact=None, email=None, phone=None, updated_at=now,
                                      reason=f"no member linked within {shop.claim_days} days")
                              .execution_options(synchronize_session=False)).rowcount
    rows = session.scalars(
        select(ShopOrder).join(MemberLink, (MemberLink.platform == ShopOrder.platform)
                               & (MemberLink.customer_id == ShopOrder.customer_id))
        .where(ShopOrder.status == "waiting").order_by(ShopOrder.id).limit(limit)).all()
    credited = 0
    for row in rows:
        member = account_links.member_for(session, row.platform, row.customer_id)  # type: ignore[arg-type]
        if member is not None and _credit(session, row, now, settings, (member, "link")).code == "credited":
            credited += 1
    return credited, int(expired or 0)


def claim_by_email(session: Session, member: Member, email: str, now: datetime, settings: ProgramSettings,
                   claim_days: int) -> int:
    """The orders waiting with this address (lower-cased) and received within `claim_days` are
    credited to `member`, who has just verified it (call in the same unit of work); each links its
    customer id as a first match does. How many were credited."""
    return _claim_by(session, ShopOrder.email, email, "email", member, now, settings, claim_days)


def claim_by_phone(session: Session, member: Member, e164: str, now: datetime, settings: ProgramSettings,
                   claim_days: int) -> int:
    """As `claim_by_email`, for the orders waiting with this phone number (E.164)."""
    return _claim_by(session, ShopOrder.phone, e164, "phone", member, now, settings, claim_days)


def _claim_by(session: Session, column, value: str, how: str, member: Member, now: datetime,
              settings: ProgramSettings, claim_days: int) -> int:
    since = now - timedelta(days=claim_days)
    rows = session.scalars(select(ShopOrder).where(column == value, ShopOrder.status == "waiting",
                                                   ShopOrder.received_at >= since).order_by(ShopOrder.id)).all()
    return sum(_credit(session, row, now, settings, (member, how)).code == "credited" for row in rows)


def waiting(session: Session, limit: int = 200) -> list[ShopOrder]:
    """The online orders without a member, newest first (the console's list)."""
    return list(session.scalars(select(ShopOrder).where(ShopOrder.status == "waiting")
                                .order_by(ShopOrder.received_at.desc(), ShopOrder.id.desc()).limit(limit)))
