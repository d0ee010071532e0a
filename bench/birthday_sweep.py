"""How long the birthday sweep takes on the 1st of a month: N members, birthdays spread over the year.

    python bench/birthday_sweep.py [--database-url URL] [--members N | --full] [--month M] [--reset]

Seeds N members (bulk insert; default 200,000, a few minutes; --full: 1,000,000, the target's size) with birthdays on every day of the year and a mix
of tiers, then times the sweep as the worker runs it on the 1st of month M at 09:00 (the coupons
issued and the birthday pushes queued, in batches; the outbox is not drained), then a second run,
which must issue nothing. The tables are ANALYZEd after seeding (without statistics PostgreSQL
plans the batch query badly). Without --database-url a temporary SQLite file is used; a given database
gets the schema if it lacks it and must hold no members unless --reset (which drops and recreates
every table first).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select  # noqa: E402

import models_registry  # noqa: E402,F401
from app import create_app  # noqa: E402
from worker.sweeps import birthday_coupons  # noqa: E402
from rewards.models import Base, Coupon, Member, Outbox  # noqa: E402

SEED_BATCH = 10_000
TIERS = ["member"] * 16 + ["silver"] * 3 + ["gold"]  # 80 / 15 / 5 %


def seed(db, members: int, reset: bool) -> None:
    if reset:
        Base.metadata.drop_all(db.engine)
    Base.metadata.create_all(db.engine)
    with db.session() as s:
        if s.scalar(select(func.count()).select_from(Member)):
            raise SystemExit("the database already holds members; pass --reset to start from empty tables")
    now = datetime.now(timezone.utc)
    start = time.perf_counter()
    for first in range(0, members, SEED_BATCH):
        with db.session() as s:
            s.execute(insert(Member), [
                dict(member_code=f"B{n:09d}", line_user_id=f"U{n:032x}", language="zh-TW", status="member",
                     is_blocked=False, marketing_opt_in=True, tier=TIERS[n % len(TIERS)], balance=0, tags=[],
                     birthday_month=n % 12 + 1, birthday_day=n // 12 % 28 + 1, created_at=now, joined_at=now)
                for n in range(first, min(first + SEED_BATCH, members))])
    with db.engine.begin() as conn:  # fresh statistics, as autovacuum / a DBA would have them
        conn.exec_driver_sql("ANALYZE")
    print(f"seeded {members:,} members in {time.perf_counter() - start:.1f} s")


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
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        app = create_app({"BOT_ENV": "development", "DATABASE_URL": url, "INBOX_MODE": "off",
                          "CONTENT_LIBRARY_DIR": f"{tmp}/no-library"})
        rt = app.extensions["bot"]
        if args.full:
            args.members = 1_000_000
        seed(rt.db, args.members, args.reset)
        at = datetime(2027, args.month, 1, 9, 0, tzinfo=ZoneInfo("Asia/Taipei"))
        first, summary = timed(rt, at)
        with rt.db.session() as s:
            coupons = s.scalar(select(func.count()).select_from(Coupon).where(Coupon.kind == "birthday"))
            queued = s.scalar(select(func.count()).select_from(Outbox).where(Outbox.kind == "birthday"))
        born = sum(1 for n in range(args.members) if n % 12 + 1 == args.month)
        print(f"database: {rt.db.engine.dialect.name}")
        print(f"first run:  {first:.2f} s ({summary}; {coupons:,} coupons and {queued:,} pushes queued for "
              f"{born:,} members born in month {args.month}) = {coupons / first:,.0f} members/s")
        second, summary = timed(rt, at)
        print(f"second run: {second:.2f} s ({summary})")
        rt.db.dispose()
        if coupons != born or queued != born or "issued 0" not in summary:
            print("MISMATCH: every member born that month should have exactly one coupon and one push")
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
