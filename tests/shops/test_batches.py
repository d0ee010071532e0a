"""INBOX_MODE=thread: the pool processes the deliveries that have queued up in one unit of work
(api/shop_processing.py), each alone should that unit raise; each order is still credited once."""
from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from rewards.models import Order
from rewards.shops import crediting, deliveries
from rewards.shops.models import ShopDelivery

from ..api.conftest import statements
from .conftest import SHOP_DOMAIN, balance, rows


def _queued(rt, worker, clock, members, orders):
    """Deliveries of `orders` (order id, member), recorded claimed as a request does, queued for the pool."""
    for order_id, member in orders:
        payload = {"id": order_id, "currency": "TWD", "total_price": "1280.00", "created_at": clock.now().isoformat(),
                   "note_attributes": [{"name": "member_code", "value": member.code}]}
        with rt.db.session(write=True) as s:
            new = deliveries.record(s, "shopify", f"d-{order_id}", "orders/paid", SHOP_DOMAIN, payload, clock.now(),
                                    claim=True)
        worker.queued.append((new, deliveries.Claimed("shopify", "orders/paid", SHOP_DOMAIN, payload)))


@pytest.mark.parametrize("shop_settings", [{"INBOX_MODE": "thread"}])
def test_what_has_queued_up_is_processed_in_one_unit_of_work(app, rt, clock, make_member):
    worker = app.extensions["shop_worker"]
    worker.batch = 8
    first, second = make_member(), make_member()
    _queued(rt, worker, clock, [first, second], [(1, second), (2, first), (3, second)])
    commits: list[object] = []

    def committed(conn):
        commits.append(conn)

    event.listen(rt.db.engine, "commit", committed)
    try:
        with statements(rt) as seen:
            assert worker.drain() == 3
    finally:
        event.remove(rt.db.engine, "commit", committed)
    assert len(commits) == 1 and seen.count("INSERT") == 3 * 4 and seen.count("UPDATE") == 3 * 4, seen  # each: shop order, order, ledger, receipt; lock, balance, shop order, finish
    assert rows(rt, select(ShopDelivery.status, ShopDelivery.outcome, ShopDelivery.payload)) == [
        ("done", "credited", None)] * 3
    assert (balance(rt, first), balance(rt, second)) == (12, 24)


@pytest.mark.parametrize("shop_settings", [{"INBOX_MODE": "thread"}])
def test_a_batch_that_raises_is_processed_one_by_one(app, rt, clock, make_member, monkeypatch):
    worker = app.extensions["shop_worker"]
    worker.batch = 8
    member = make_member()
    real = crediting.place

    def place(session, event, *args):
        if event.order_id == "2":
            raise RuntimeError("this order breaks")
        return real(session, event, *args)

    monkeypatch.setattr(crediting, "place", place)
    _queued(rt, worker, clock, [member], [(1, member), (2, member), (3, member)])
    assert worker.drain() == 3
    assert rows(rt, select(ShopDelivery.delivery_id, ShopDelivery.status, ShopDelivery.error)
                .order_by(ShopDelivery.delivery_id)) == [
        ("d-1", "done", None), ("d-2", "pending", "RuntimeError: this order breaks"), ("d-3", "done", None)]
    assert balance(rt, member) == 24
    monkeypatch.setattr(crediting, "place", real)
    assert worker.sweep(clock.now() + deliveries.LEASE) == 1  # the broken one, once it can be read
    assert balance(rt, member) == 36
    with rt.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Order)) == 3
