"""The shops' webhook deliveries, recorded before they are answered and processed after (as LINE's
events are in bot/inbox.py).

* `record`: once per (platform, delivery id), INSERT ... ON CONFLICT DO NOTHING; a body that cannot
  be read is recorded `failed` at once with its reason (and what was sent), so it shows on the
  console's Shops page and nothing is lost.
* The web process that will process a delivery itself (INBOX_MODE=thread) records it
  claimed already, and hands its payload over in memory (`Claimed`, `process_claimed`): no claim
  statement, no payload read back.
* `receive` (INBOX_MODE=sync) acts on a delivery and then records it finished, in one unit of work.
* `claim` takes a pending delivery (or one whose claim is older than LEASE) with a conditional
  UPDATE; `process` reads it with its platform's module and acts in the caller's unit of work;
  `finish` records the outcome. A delivery whose processing raised is pending again, and failed
  after MAX_ATTEMPTS.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable

from sqlalchemy import Boolean, and_, bindparam, case, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from core.bulk import insert_new

from ..settings import ProgramSettings
from . import crediting, events, shopify, shopline, woocommerce
from .crediting import Outcome, ShopSettings
from .models import ShopDelivery

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 5
TABLE = ShopDelivery.__table__
# each platform's reader: (topic, shop, payload, shop settings) -> an event
READERS: dict[str, Callable[[str, str, Any, ShopSettings], events.Event | list[events.Event]]] = {
    "shopify": lambda topic, shop, payload, _settings: shopify.read(topic, shop, payload),
    "woocommerce": lambda topic, shop, payload, settings: woocommerce.read(topic, shop, payload, settings.paid_status),
    "shopline": lambda topic, shop, payload, _settings: shopline.read(topic, shop, payload),
}


@dataclass(frozen=True)
class Claimed:
    """A claimed delivery's (platform, topic, shop, payload): read back by `claim`, or kept in memory
    by the process that recorded it claimed (`record(claim=True)`)."""

    platform: str
    topic: str
    shop: str
    payload: Any


def _row(platform: str, delivery_id: str, topic: str, shop: str, payload: Any, now: datetime, status: str,
         outcome: str | None = None, error: str | None = None, attempts: int = 0) -> dict:
    return {"platform": platform, "delivery_id": delivery_id[:128], "topic": topic[:64], "shop": shop[:128],
            "payload": payload, "status": status, "error": error[:500] if error else None,
            "outcome": outcome[:32] if outcome else None, "attempts": attempts,
            "claimed_at": now if attempts else None, "received_at": now,
            "processed_at": now if status in ("done", "ignored", "failed") else None}


def record(session: Session | Connection, platform: str, delivery_id: str, topic: str, shop: str, payload: Any,
           now: datetime, error: str | None = None, claim: bool = False) -> int | None:
    """The delivery's row id when it is new, None when it was recorded before. `claim`: the process
    recording it will process it (`process_claimed`), so it is written claimed (processing, attempt
    1) and needs no claim of its own; should that process die, the sweep takes it once the claim is
    older than LEASE, as any other."""
    status = "failed" if error else "processing" if claim else "pending"
    inserted = insert_new(session, TABLE, [_row(platform, delivery_id, topic, shop, payload, now, status,
                                                "unreadable" if error else None, error,
                                                1 if status == "processing" else 0)], returning=(TABLE.c.id,))
    return inserted[0][0] if inserted else None


def receive(session: Session, delivery_id: str, row: Claimed, now: datetime, settings: ProgramSettings,
            shop_settings: ShopSettings, found: list[events.Event] | Outcome | None = None) -> tuple[int | None, Outcome]:
    """A delivery processed as it is recorded, in the caller's one unit of work (INBOX_MODE=sync):
    acted on first (`found`: what it says, read already), then written once, finished (a done
    delivery's payload is not kept; no claim, no second write). A delivery recorded before is acted
    on again, which credits nothing twice (the order's and the refund's own keys), and written no
    more. (row id, or None when it was recorded before; the outcome)."""
    outcome = act(session, row, now, settings, shop_settings, found)
    status = _status_of(outcome)
    inserted = insert_new(session, TABLE, [_row(row.platform, delivery_id, row.topic, row.shop,
                                                None if status == "done" else row.payload, now, status, outcome.code,
                                                outcome.reason, 1)], returning=(TABLE.c.id,))
    return (inserted[0][0] if inserted else None), outcome


def _status_of(outcome: Outcome) -> str:
    """A finished delivery's status: the payload is kept only when it could not be read."""
    return "failed" if outcome.code == "unreadable" else "ignored" if outcome.code == "ignored" else "done"


CLAIM = (update(TABLE).where(TABLE.c.id == bindparam("claim_id"), or_(
    TABLE.c.status == "pending", and_(TABLE.c.status == "processing", TABLE.c.claimed_at < bindparam("stale_before"))))
    .values(status="processing", claimed_at=bindparam("now"), attempts=TABLE.c.attempts + 1)
    .returning(TABLE.c.platform, TABLE.c.topic, TABLE.c.shop, TABLE.c.payload))


def claim(session: Session, delivery_id: int, now: datetime):
    """Take the delivery (pending, or claimed past the lease): its (platform, topic, shop, payload)
    read in the same UPDATE ... RETURNING, or None when another worker has it or it is done."""
    return session.execute(CLAIM, {"claim_id": delivery_id, "now": now, "stale_before": now - LEASE}).first()


FINISH = (update(TABLE).where(TABLE.c.id == bindparam("finish_id"))
          .values(status=bindparam("status"), outcome=bindparam("outcome"), error=bindparam("error"),
                  processed_at=bindparam("now"), payload=case((bindparam("keep", type_=Boolean), TABLE.c.payload), else_=None)))


def finish(session: Session | Connection, delivery_id: int, now: datetime, outcome: Outcome, status: str | None = None) -> None:
    status = status or ("ignored" if outcome.code == "ignored" else "done")
    session.execute(FINISH, {"finish_id": delivery_id, "status": status, "outcome": outcome.code[:32],
                             "error": (outcome.reason or "")[:500] or None, "now": now, "keep": status != "done"})


def give_back(session: Session, delivery_id: int, why: str) -> None:
    """Processing raised: pending again, or failed for good after MAX_ATTEMPTS tries."""
    session.execute(update(TABLE).where(TABLE.c.id == delivery_id, TABLE.c.status == "processing").values(
        status=case((TABLE.c.attempts >= MAX_ATTEMPTS, "failed"), else_="pending"),
        outcome=case((TABLE.c.attempts >= MAX_ATTEMPTS, "error"), else_=None), error=why[:500]))


def read(row, shop: ShopSettings) -> list[events.Event] | Outcome:
    """What the delivery (platform, topic, shop, payload) says, or why it cannot be read; no database."""
    reader = READERS.get(row.platform)
    if reader is None:
        return Outcome("ignored", f"no reader for {row.platform}")
    try:
        event = reader(row.topic, row.shop, row.payload, shop)
    except events.PayloadError as exc:
        return Outcome("unreadable", str(exc))
    except ValueError as exc:  # an amount that is not a decimal (MoneyError) and the like
        return Outcome("unreadable", str(exc))
    return event if isinstance(event, list) else [event]


def act(session: Session, row, now: datetime, settings: ProgramSettings, shop: ShopSettings,
        found: list[events.Event] | Outcome | None = None) -> Outcome:
    """What the delivery says (`found`: read already), done in the caller's unit of work."""
    found = read(row, shop) if found is None else found
    if isinstance(found, Outcome):
        return found
    outcomes = [apply(session, one, now, settings, shop) for one in found]
    done = [o for o in outcomes if o.code not in ("duplicate", "ignored")] or outcomes
    return done[0] if len(done) == 1 else Outcome(
        "+".join(dict.fromkeys(o.code for o in done))[:32], "; ".join(o.reason for o in done if o.reason) or None,
        sum(o.points for o in done))


def apply(session: Session, event: events.Event, now: datetime, settings: ProgramSettings,
          shop: ShopSettings) -> Outcome:
    """One event, whether from a delivery or a catch-up sweep."""
    if isinstance(event, events.Nothing):
        return Outcome("ignored", event.why)
    if isinstance(event, events.PlacedOrder):
        return crediting.place(session, event, now, settings, shop)
    if isinstance(event, events.OrderRefund):
        return crediting.refund(session, event, now, settings, shop)
    return crediting.cancel(session, event, now, settings)


def process(session: Session, delivery_id: int, now: datetime, settings: ProgramSettings,
            shop: ShopSettings) -> Outcome | None:
    """Claim, act and finish in one unit of work; None when another worker has it or it is done."""
    row = claim(session, delivery_id, now)
    if row is None:
        return None
    return process_claimed(session, delivery_id, row, now, settings, shop)


def process_claimed(session: Session, delivery_id: int, row, now: datetime, settings: ProgramSettings,
                    shop: ShopSettings) -> Outcome:
    """Act on a delivery this process holds the claim of (`row`: its platform, topic, shop and
    payload) and finish it, in the caller's unit of work."""
    outcome = act(session, row, now, settings, shop)
    finish(session, delivery_id, now, outcome, status=_status_of(outcome))
    return outcome


def due(session: Session, now: datetime, pending_for: timedelta = timedelta(seconds=5), limit: int = 500) -> list[int]:
    """Deliveries left pending (the web process died, or processing raised) or claimed past the lease."""
    return list(session.scalars(select(TABLE.c.id).where(or_(
        and_(TABLE.c.status == "pending", TABLE.c.received_at < now - pending_for),
        and_(TABLE.c.status == "processing", TABLE.c.claimed_at < now - LEASE))).order_by(TABLE.c.id).limit(limit)))


def last_of(session: Session, platform: str) -> ShopDelivery | None:
    return session.scalar(select(ShopDelivery).where(ShopDelivery.platform == platform)
                          .order_by(ShopDelivery.id.desc()).limit(1))


def failures_of(session: Session, platform: str, limit: int = 10) -> list[ShopDelivery]:
    return list(session.scalars(select(ShopDelivery).where(ShopDelivery.platform == platform,
                                                           ShopDelivery.status == "failed")
                                .order_by(ShopDelivery.id.desc()).limit(limit)))
