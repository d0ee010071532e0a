"""A member reads an order's receipt before the tier it earned, on both paths that record orders
(issue 19: "you moved up a tier" arrived before the receipt that caused it)."""
from datetime import datetime

from sqlalchemy import select

from rewards import orders
from rewards.importer import import_orders
from rewards.models import Outbox

PLACED = datetime.fromisoformat("2026-11-20T14:03:00+08:00")


def _kinds_in_order(session, member_id):
    return list(session.scalars(select(Outbox.kind).where(Outbox.member_id == member_id).order_by(Outbox.id)))


def test_one_order_queues_the_receipt_first(session, make_member, now, settings):
    member = make_member()
    result = orders.record_fields(session, member, "store", "UP-1", 10_000, PLACED, "S01", None, now, settings)
    assert result.tier_changed
    assert _kinds_in_order(session, member.id) == ["receipt", "tier_up"]


def test_an_imported_chunk_queues_each_receipt_before_what_it_caused(session, unit_of_work, make_member, now,
                                                                     settings):
    climber = make_member()
    session.commit()
    rows = [{"member_code": climber.member_code, "order_id": f"C-{n}", "amount": amount,
             "placed_at": PLACED.isoformat(), "channel": "store"}
            for n, amount in enumerate((6_000, 6_000, 20_000))]  # silver at the second, gold at the third
    summary = import_orders(unit_of_work, rows, now, settings, chunk_size=10, notify=True)
    assert summary.created == 3
    session.expire_all()
    assert _kinds_in_order(session, climber.id) == ["receipt", "receipt", "tier_up", "receipt", "tier_up"]
    receipts = [o.params["order_id"] for o in session.scalars(
        select(Outbox).where(Outbox.member_id == climber.id, Outbox.kind == "receipt").order_by(Outbox.id))]
    assert receipts == ["C-0", "C-1", "C-2"]
    assert orders.find_order(session, "store", "C-2").tier_after == "gold"
