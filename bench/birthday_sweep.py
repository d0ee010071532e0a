"""How long the birthday sweep takes on the 1st of a month: N members, birthdays spread over the year.

    python bench/birthday_sweep.py [--database-url URL] [--members N | --full] [--month M] [--reset | --reuse]

Seeds N members (bulk insert; default 200,000, a few minutes; --full: 1,000,000, the target's size) with birthdays on every day of the year and a mix
of tiers, then times the sweep as the worker runs it on the 1st of month M at 09:00 (the coupons
issued and the birthday pushes queued, in batches; the outbox is not drained), then a second run,
which must issue nothing. The floor, measured in the same run, is the same coupons and pushes
written by two bare INSERT ... SELECT statements (no checks, no batches; rolled back): what writing
those rows into those tables, with their indexes and foreign keys, costs at least. The tables are
ANALYZEd (PostgreSQL: VACUUM ANALYZE) after seeding, before any coupon exists, as autovacuum leaves
them before the 1st. Without
--database-url a temporary SQLite file is used; a given database gets the schema if it lacks it and
must hold no members unless --reset (which drops and recreates every table first) or --reuse (the N
members a previous run seeded stay; their birthday coupons and pushes are deleted first).
"""
from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import String, cast, delete, func, insert, literal, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

import models_registry  # noqa: E402,F401
from bench.runtime import bench_runtime  # noqa: E402
from core.bulk import json_with  # noqa: E402
from worker.sweeps import birthday_coupons  # noqa: E402
from core.orm import Base  # noqa: E402
from rewards.models import Coupon, Member, Outbox  # noqa: E402

SEED_BATCH = 10_000
TIERS = ["member"] * 16 + ["silver"] * 3 + ["gold"]  # 80 / 15 / 5 %


def seed(db, members: int, reset: bool, reuse: bool = False) -> None:
    if reset:
        Base.metadata.drop_all(db.engine)
    Base.metadata.create_all(db.engine)
    with db.session() as s:
        held = s.scalar(select(func.count()).select_from(Member))
        if reuse and held == members:
            s.execute(delete(Outbox).where(Outbox.kind == "birthday"))
            s.execute(delete(Coupon).where(Coupon.kind == "birthday"))
        elif held:
            raise SystemExit("the database already holds members; pass --reset to start from empty tables"
                             + (f" (--reuse needs exactly {members:,})" if reuse else ""))
    if held:
        print(f"reusing {members:,} members; their birthday coupons and pushes deleted")
        settle(db)
        return
    now = datetime.now(timezone.utc)
    start = time.perf_counter()
    for first in range(0, members, SEED_BATCH):
        with db.session() as s:
            s.execute(insert(Member), [
                dict(member_code=f"B{n:09d}", line_user_id=f"U{n:032x}", language="zh-TW", status="member",
                     is_blocked=False, marketing_opt_in=True, tier=TIERS[n % len(TIERS)], balance=0, tags=[],
                     birthday_month=n % 12 + 1, birthday_day=n // 12 % 28 + 1, created_at=now, joined_at=now)
                for n in range(first, min(first + SEED_BATCH, members))])
    print(f"seeded {members:,} members in {time.perf_counter() - start:.1f} s")
    settle(db)


def settle(db) -> None:
    """The tables as autovacuum leaves them before the 1st: statistics, and on PostgreSQL the
    visibility map (VACUUM), so that an index holding all a query needs is read alone."""
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE" if db.is_postgres else "ANALYZE")


def floor(db, at: datetime) -> float:
    """Seconds for the month's coupons and pushes written by two bare INSERT ... SELECT, rolled back."""
    session = Session(db.engine)
    try:
        start = time.perf_counter()
        key = literal("floor:", String) + cast(Member.id, String)
        session.execute(insert(Coupon).from_select(
            ["code", "member_id", "kind", "title_zh", "title_en", "value", "valid_from", "valid_until",
             "uniqueness_key", "created_at"],
            select(literal("F", String) + cast(Member.id, String), Member.id, literal("birthday"), literal("生日禮"),
                   literal("Birthday gift"), literal(100), literal(at, Coupon.valid_from.type),
                   literal(at.replace(month=at.month % 12 + 1), Coupon.valid_until.type), key,
                   literal(at, Coupon.created_at.type))
            .where(Member.birthday_month == at.month, Member.status == "member")))
        session.execute(insert(Outbox).from_select(
            ["dedup_key", "member_id", "params", "kind", "category", "status", "not_before", "created_at"],
            select(Coupon.uniqueness_key, Coupon.member_id,
                   json_with(session, {"last_day": "floor"}, code=Coupon.code, value=Coupon.value),
                   literal("birthday"), literal("marketing"), literal("pending"),
                   literal(at, Outbox.not_before.type), literal(at, Outbox.created_at.type))
            .where(Coupon.uniqueness_key.like("floor:%"))))
        return time.perf_counter() - start
    finally:
        session.rollback()
        session.close()


def timed(rt, at: datetime) -> tuple[float, str]:
    start = time.perf_counter()
    summary = birthday_coupons.run(rt, at)
    return time.perf_counter() - start, summary


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--members", type=int, default=200_000)
    parser.add_argument("--full", action="store_true", help="1,000,000 members (target: first run < 10 s, second < 1 s)")
    parser.add_argument("--month", type=int, default=3)
    parser.add_argument("--reset", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="keep the members a previous run seeded")
    args = parser.parse_args(argv)

    with bench_runtime(args.database_url) as (rt, tmp):
        if args.full:
            args.members = 1_000_000
        seed(rt.db, args.members, args.reset, args.reuse)
        at = datetime(2027, args.month, 1, 9, 0, tzinfo=ZoneInfo("Asia/Taipei"))
        bare = floor(rt.db, at)
        first, summary = timed(rt, at)
        with rt.db.session() as s:
            coupons = s.scalar(select(func.count()).select_from(Coupon).where(Coupon.kind == "birthday"))
            queued = s.scalar(select(func.count()).select_from(Outbox).where(Outbox.kind == "birthday"))
        born = sum(1 for n in range(args.members) if n % 12 + 1 == args.month)
        print(f"database: {rt.db.engine.dialect.name}")
        print(f"first run:  {first:.2f} s ({summary}; {coupons:,} coupons and {queued:,} pushes queued for "
              f"{born:,} members born in month {args.month}) = {coupons / first:,.0f} members/s")
        print(f"floor:      {bare:.2f} s (the same rows by two bare INSERT ... SELECT); first run / floor = "
              f"{first / bare:.1f}x")
        second, summary = timed(rt, at)
        print(f"second run: {second:.2f} s ({summary})")
        rt.db.dispose()
        if coupons != born or queued != born or "issued 0" not in summary:
            print("MISMATCH: every member born that month should have exactly one coupon and one push")
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
