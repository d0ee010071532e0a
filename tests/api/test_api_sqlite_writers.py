"""Simultaneous writing requests queue for the database instead of failing, on SQLite too (the default):
a SQLite transaction that read before writing would otherwise fail at once with "database is locked"."""
from __future__ import annotations

from collections import Counter

import requests

from .conftest import balance_and_ledger, order_body
from .live_server import all_at_once, serving


def test_simultaneous_orders_and_redeems_never_fail(app, auth, rt, make_member, make_coupon):
    members = [make_member() for _ in range(4)]
    code = make_coupon(members[0])
    with serving(app) as url:
        def work(i):
            if i % 2:
                return requests.post(f"{url}/api/v1/coupons/{code}/redeem", json={"channel": "store"},
                                     headers=auth, timeout=60).status_code
            body = order_body(members[i // 2 % 4], order_id=f"Q-{i}", amount=1000)
            return requests.post(f"{url}/api/v1/orders", json=body, headers=auth, timeout=60).status_code

        statuses = Counter(all_at_once(24, work))
    assert statuses == Counter({201: 12, 409: 11, 200: 1})
    for member in members:
        assert balance_and_ledger(rt, member) == (30, 30)
