"""Orders per second through the shops' API, and the time of a member look-up whose ledger is long.

Everything goes through Flask's test client (no network, no server): each order is a full request
(key check, validation, member lock, order insert, ledger credit, tier check, receipt in the outbox,
commit). The look-up is `GET /api/v1/members/{code}` for a member with `--ledger-rows` ledger rows,
bulk-inserted straight into the table with the cached balance and lots kept consistent.

    python bench/orders_api.py [--database-url URL] [--orders 1000] [--ledger-rows 100000]

Without --database-url a temporary SQLite file is used. A PostgreSQL URL should name a scratch
database: the tables are created there if missing and the rows this run adds are left in place.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, text, update  # noqa: E402

import models_registry  # noqa: E402,F401
from api.keys import create_key  # noqa: E402
from core.clock import FixedClock  # noqa: E402
from rewards import ledger, membership  # noqa: E402
from core.orm import Base  # noqa: E402
from rewards.models import Member, PointsLedger  # noqa: E402

TZ = ZoneInfo("Asia/Taipei")


def build_app(database_url: str):
    from app import create_app

    clock = FixedClock(datetime(2026, 11, 20, 14, 0, tzinfo=TZ))
    app = create_app({"BOT_ENV": "test", "DATABASE_URL": database_url, "INBOX_MODE": "off",
                      "LINE_API_URL": "http://127.0.0.1:9", "LINE_API_DATA_URL": "http://127.0.0.1:9"}, clock=clock)
    Base.metadata.create_all(app.extensions["bot"].db.engine)
    return app


def new_members(rt, count: int) -> list[tuple[int, str]]:
    now = rt.clock.now()
    made = []
    with rt.db.session() as s:
        for _ in range(count):
            member = membership.get_or_create(s, "U" + uuid.uuid4().hex, now - timedelta(days=400))
            membership.join(s, member, now - timedelta(days=400), display_name="bench")
            made.append((member.id, member.member_code))
    return made


def orders_per_second(client, headers, members, orders: int) -> float:
    run = uuid.uuid4().hex[:8]
    bodies = [{"channel": "store", "order_id": f"B-{run}-{i}", "member_code": members[i % len(members)][1],
               "amount": 480 + (i * 37) % 5000, "placed_at": "2026-11-20T13:00:00+08:00", "store_id": "S01",
               "items": [{"sku": "TEA-01", "name": "烏龍茶", "category": "tea", "quantity": 1, "price": 480}]}
              for i in range(orders)]
    started = time.perf_counter()
    for body in bodies:
        response = client.post("/api/v1/orders", json=body, headers=headers)
        if response.status_code != 201:
            raise SystemExit(f"order answered {response.status_code}: {response.get_data(as_text=True)[:200]}")
    return orders / (time.perf_counter() - started)


def long_history(rt, rows: int) -> str:
    """A member with `rows` ledger rows: 70% earn lots of 10 points, 30% redemptions of 10 that used up
    the oldest lots. Every lot is younger than a year, so none has expired."""
    (member_id, code), = new_members(rt, 1)
    now = rt.clock.now()
    earns = sum(1 for i in range(rows) if i % 10 < 7)
    spends = rows - earns
    step = timedelta(days=330) / rows
    batch = []
    with rt.db.session() as s:
        for i in range(rows):
            at = now - timedelta(days=335) + step * i
            is_earn = i % 10 < 7
            batch.append({"member_id": member_id, "kind": "earn" if is_earn else "redeem",
                          "delta": 10 if is_earn else -10, "reason": "bench", "reason_code": "bench",
                          "reason_params": {}, "idempotency_key": f"bench:{member_id}:{i}", "created_at": at,
                          "expires_at": ledger.points_expiry(at, rt.settings) if is_earn else None,
                          "remaining": 10 if is_earn else None, "shortfall": 0})
            if len(batch) == 5000:
                s.execute(insert(PointsLedger), batch)
                batch = []
        if batch:
            s.execute(insert(PointsLedger), batch)
        # the redemptions used up the oldest lots, as ledger.debit would have
        oldest = s.scalars(PointsLedger.__table__.select().with_only_columns(PointsLedger.id)
                           .where(PointsLedger.member_id == member_id, PointsLedger.delta > 0)
                           .order_by(PointsLedger.id).limit(spends)).all()
        for start in range(0, len(oldest), 5000):
            s.execute(update(PointsLedger).where(PointsLedger.id.in_(oldest[start:start + 5000])).values(remaining=0))
        s.execute(update(Member).where(Member.id == member_id).values(balance=(earns - spends) * 10))
    with rt.db.engine.begin() as conn:
        # what autovacuum (PostgreSQL) would soon do after a load this size; the planner needs it
        conn.execute(text("ANALYZE points_ledger" if rt.db.is_postgres else "ANALYZE"))
    with rt.db.session() as s:
        member = s.get(Member, member_id)
        if not ledger.balance_check(s, member):
            raise SystemExit("the bulk-inserted ledger is inconsistent")
    return code


def lookup_ms(client, headers, code: str, repeat: int) -> tuple[float, float, dict]:
    body = client.get(f"/api/v1/members/{code}", headers=headers).get_json()  # warm-up
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(f"/api/v1/members/{code}", headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"look-up answered {response.status_code}")
    return statistics.median(times), max(times), body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--ledger-rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=50, help="look-ups timed")
    args = parser.parse_args()
    database_url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"

    app = build_app(database_url)
    rt = app.extensions["bot"]
    with rt.db.session() as s:
        _row, key = create_key(s, f"bench-{uuid.uuid4().hex[:8]}", rt.clock.now())
    headers = {"Authorization": f"Bearer {key}"}
    client = app.test_client()

    members = new_members(rt, args.members)
    rate = orders_per_second(client, headers, members, args.orders)
    started = time.perf_counter()
    code = long_history(rt, args.ledger_rows)
    fill_s = time.perf_counter() - started
    short_ms, _short_max, _ = lookup_ms(client, headers, members[0][1], args.repeat)
    long_ms, long_max, body = lookup_ms(client, headers, code, args.repeat)
    rt.db.dispose()

    print(f"database: {rt.db.engine.dialect.name}  (Flask test client, one request at a time)")
    print(f"orders through POST /api/v1/orders: {rate:8.1f} orders/s  ({1000 / rate:.2f} ms/order, "
          f"{args.orders} orders over {args.members} members)")
    print(f"GET /api/v1/members/{{code}}, a member with {args.orders // args.members} orders: "
          f"{short_ms:.2f} ms median")
    print(f"GET /api/v1/members/{{code}}, a member with {args.ledger_rows:,} ledger rows: {long_ms:.2f} ms median, "
          f"{long_max:.2f} ms max over {args.repeat}  (rows inserted in {fill_s:.1f} s)")
    print(f"  balance {body['balance']:,}, expiring next {body['points_expiring_next']}")


if __name__ == "__main__":
    main()
