"""Simultaneous requests through the real WSGI app on PostgreSQL (skipped on SQLite): an order credited
once, a coupon redeemed once, and points never spent twice."""
from __future__ import annotations

import uuid
from collections import Counter

import pytest
import requests
from sqlalchemy import func, select

from rewards import catalog, ledger
from rewards.errors import InsufficientPoints
from rewards.models import Member, PointsLedger

from ..conftest import ON_POSTGRES
from ..turned_away import refuse_connections
from .conftest import balance_and_ledger, order_body
from .live_server import all_at_once, serving

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not ON_POSTGRES, reason="needs TEST_DATABASE_URL=postgresql+psycopg://...")]


def test_two_identical_orders_at_once_are_credited_once(app, rt, auth, make_member):
    member = make_member()
    with serving(app) as url:
        for round_ in range(6):
            body = order_body(member, order_id=f"RACE-{round_}", amount=1000)
            replies = all_at_once(2, lambda i: requests.post(f"{url}/api/v1/orders", json=body, headers=auth,
                                                             timeout=60))
            assert sorted(r.status_code for r in replies) == [200, 201], [r.text for r in replies]
            assert replies[0].json() == replies[1].json()
    with rt.db.session() as s:
        earns = s.scalar(select(func.count()).select_from(PointsLedger).where(PointsLedger.kind == "earn"))
    assert earns == 6
    assert balance_and_ledger(rt, member) == (60, 60)


def test_fifty_simultaneous_redeems_of_one_coupon_give_one_200(app, auth, make_member, make_coupon):
    code = make_coupon(make_member())
    with serving(app) as url:
        replies = all_at_once(50, lambda i: requests.post(
            f"{url}/api/v1/coupons/{code}/redeem", json={"channel": "store", "store_id": f"S{i:02d}"},
            headers=auth, timeout=60))
    statuses = Counter(r.status_code if isinstance(r, requests.Response) else repr(r) for r in replies)
    assert statuses == Counter({200: 1, 409: 49})
    winner = next(r.json() for r in replies if r.status_code == 200)
    losers = {r.json()["error"]["fields"]["where"] for r in replies if r.status_code == 409}
    assert losers == {f"store {winner['store_id']}"}


def test_fifty_redeems_while_the_database_turns_connections_away_are_one_200_and_409s(app, rt, auth, make_member,
                                                                                     make_coupon, monkeypatch):
    """PostgreSQL at its connection limit refuses new connections for a moment: the tills still get
    their 200 and 409s, never a 500 (each request waits for its connection)."""
    code = make_coupon(make_member())
    rt.db.engine.dispose()
    refused = refuse_connections(monkeypatch, 25)
    with serving(app) as url:
        replies = all_at_once(50, lambda i: requests.post(
            f"{url}/api/v1/coupons/{code}/redeem", json={"channel": "store", "store_id": f"S{i:02d}"},
            headers=auth, timeout=60))
    assert refused == [0]
    statuses = Counter(r.status_code if isinstance(r, requests.Response) else repr(r) for r in replies)
    assert statuses == Counter({200: 1, 409: 49})


def test_simultaneous_refunds_never_refund_more_than_was_paid(app, rt, auth, make_member):
    member = make_member()
    with serving(app) as url:
        assert requests.post(f"{url}/api/v1/orders", json=order_body(member, amount=10_000), headers=auth,
                             timeout=60).status_code == 201
        replies = all_at_once(8, lambda i: requests.post(
            f"{url}/api/v1/orders/store/POS-1/refunds", json={"refund_id": f"R{i}", "amount": 3000},
            headers=auth, timeout=60))
    assert Counter(r.status_code for r in replies) == Counter({201: 3, 422: 5})
    assert balance_and_ledger(rt, member) == (10, 10)  # NT$1,000 left earns 10


def test_simultaneous_catalog_redemptions_never_overspend(app, rt, make_member):
    member = make_member(points=350)
    now = rt.clock.now()
    with rt.db.session() as s:
        reward = catalog.create_reward(s, "咖啡兌換券", "Free coffee", 100, 120, now)
        reward_id = reward.id

    def redeem(i):
        with rt.db.session() as s:
            coupon = catalog.redeem_reward(s, s.get(Member, member.id), catalog.get_reward(s, reward_id),
                                           f"tap-{uuid.uuid4().hex}", now, rt.settings)
            return coupon.code

    results = all_at_once(12, redeem)
    kinds = Counter("coupon" if isinstance(r, str) else type(r).__name__ for r in results)
    assert kinds == Counter({"coupon": 3, InsufficientPoints.__name__: 9})
    balance, ledger_sum = balance_and_ledger(rt, member)
    assert balance == ledger_sum == 50
    with rt.db.session() as s:
        assert ledger.find_inconsistencies(s) == []
