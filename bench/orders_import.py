"""`orders import`, orders/s, against its floor: a bare multi-row INSERT of the same orders.

    python bench/orders_import.py [--database-url URL] [--orders N | --full] [--members M]

Seeds M members (default N / 10) and writes a CSV of N historical orders (default 200,000; --full:
1,000,000) spread over the last two years. Then: the floor (the same orders, already parsed and
with every column worked out, written to the orders table by a bare INSERT executed for 5,000 rows
at a time, the driver's fastest way: a pipeline on psycopg, which beats SQLAlchemy's multi-row
VALUES statements there, and a loop in C on sqlite3; nothing else; then deleted), and the import as `flask --app app orders import` runs it (reading
and checking the file, recording chunk by chunk: orders, ledger lots, balances, tiers), and the
same file again (every row found unchanged). Prints both rates and the ratio import / floor
(target >= 0.2). Without --database-url a temporary SQLite file is used; a given database is
emptied first (all tables dropped and created).
"""
from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from functools import partial  # noqa: E402

from sqlalchemy import delete, func, insert, select  # noqa: E402

import models_registry  # noqa: E402,F401
from bench.runtime import bench_runtime  # noqa: E402
from rewards import ledger  # noqa: E402
from rewards.importer import csv_rows, import_orders  # noqa: E402
from core.orm import Base  # noqa: E402
from rewards.models import Member, Order, PointsLedger  # noqa: E402
from rewards.order_input import OrderInput  # noqa: E402
from rewards.orders import fingerprint  # noqa: E402

SEED_BATCH = 10_000
FLOOR_ROWS = 5_000


def seed(db, members: int, now) -> None:
    Base.metadata.drop_all(db.engine)
    Base.metadata.create_all(db.engine)
    joined = now - timedelta(days=400)
    for first in range(0, members, SEED_BATCH):
        with db.session() as s:
            s.execute(insert(Member), [
                dict(member_code=f"Q{n:09d}", line_user_id=f"U{n:032x}", display_name=f"會員{n}", language="zh-TW",
                     status="member", tier="member", tier_since=joined, balance=0, tags=[], created_at=joined,
                     joined_at=joined)
                for n in range(first, min(first + SEED_BATCH, members))])
    with db.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")


def write_csv(path: Path, orders: int, members: int, now) -> None:
    rng = random.Random(12)
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["channel", "order_id", "member_code", "amount", "placed_at", "store_id", "items"])
        for i in range(orders):
            placed = now - timedelta(days=730) * rng.random()
            items = '[{"sku": "TEA-01", "quantity": 1, "price": 480}]' if i % 4 == 0 else ""
            out.writerow([("store", "online")[i % 2], f"H-{i:08d}", f"Q{rng.randrange(members):09d}",
                          100 + rng.randrange(4900), placed.replace(microsecond=0).isoformat(), f"S{i % 20:02d}",
                          items])


def floor(db, path: Path, now, settings) -> float:
    """The same orders, parsed beforehand, every column worked out: only the INSERTs are timed."""
    with db.session() as s:
        ids = {code: member_id for code, member_id in s.execute(select(Member.member_code, Member.id))}
    with path.open(encoding="utf-8", newline="") as f:
        rows = []
        for _line, row in csv_rows(f):
            d = OrderInput.parse(row, now, settings, from_text=True)
            member_id = ids[d.member_code]
            rows.append(dict(channel=d.channel, external_id=d.order_id, member_id=member_id, amount=d.amount,
                             net_amount=d.amount, status="paid", placed_at=d.placed_at, store_id=d.store_id,
                             items=d.items, tier_at_order="member", multiplier_pct=100,
                             points_earned=d.amount // 100, request_fingerprint=fingerprint(
                                 member_id, d.channel, d.order_id, d.amount, d.placed_at, d.store_id, d.items),
                             balance_after=0, tier_after="member", tier_changed=False, created_at=now,
                             updated_at=now))
    start = time.perf_counter()
    for first in range(0, len(rows), FLOOR_ROWS):
        with db.session() as s:
            s.execute(insert(Order.__table__), rows[first:first + FLOOR_ROWS])
    took = time.perf_counter() - start
    with db.session() as s:
        s.execute(delete(Order))
    if db.is_postgres:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE orders")
    return took


def run_import(rt, path: Path, now):
    with path.open(encoding="utf-8", newline="") as f:
        start = time.perf_counter()
        summary = import_orders(partial(rt.db.run, write=True), csv_rows(f), now, rt.settings)
        return time.perf_counter() - start, summary


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--orders", type=int, default=200_000)
    parser.add_argument("--members", type=int, default=0, help="default: orders / 10")
    parser.add_argument("--full", action="store_true", help="1,000,000 orders")
    args = parser.parse_args(argv)
    orders = 1_000_000 if args.full else args.orders
    members = args.members or max(1, orders // 10)
    with bench_runtime(args.database_url) as (rt, tmp):
        now = rt.clock.now()
        seed(rt.db, members, now)
        path = tmp / "orders.csv"
        write_csv(path, orders, members, now)

        floor_s = floor(rt.db, path, now, rt.settings)
        import_s, summary = run_import(rt, path, now)
        again_s, again = run_import(rt, path, now)
        with rt.db.session() as s:
            recorded = s.scalar(select(func.count()).select_from(Order))
            lots = s.scalar(select(func.count()).select_from(PointsLedger))
            problems = ledger.find_inconsistencies(s)
        print(f"database: {rt.db.engine.dialect.name}, {orders:,} orders of {members:,} members")
        print(f"floor (bare INSERT of the same orders):     {floor_s:.1f} s = {orders / floor_s:,.0f} orders/s")
        print(f"orders import:                               {import_s:.1f} s = {orders / import_s:,.0f} orders/s "
              f"({summary.created:,} created, {lots:,} ledger lots)")
        print(f"the same file again:                         {again_s:.1f} s ({again.unchanged:,} unchanged)")
        print(f"ratio vs floor: {floor_s / import_s:.2f}x (target >= 0.2)")
        ok = (summary.created == orders == recorded and not summary.errors and again.unchanged == orders
              and again.created == 0 and not problems)
        if not ok:
            print(f"MISMATCH: created {summary.created:,}, recorded {recorded:,}, errors {len(summary.errors)}, "
                  f"again unchanged {again.unchanged:,}, ledger problems {len(problems)}")
        rt.db.dispose()
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
