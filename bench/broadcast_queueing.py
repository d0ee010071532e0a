"""Broadcast queueing, rows/s, against its floor: one bare INSERT ... SELECT of the same rows.

    python bench/broadcast_queueing.py [--database-url URL] [--members N | --full] [--runs 3]

Seeds N members (default 100,000; --full: 1,000,000), then, in each run: the floor (one INSERT ...
SELECT writing one outbox row per member, nothing else), its rows deleted, then the broadcast
sweep as the worker runs it (a broadcast with {name} to everyone: claim, INSERT ... SELECT per
range of member ids, finish), its rows deleted. Prints min/median of both and the ratio
floor time / sweep time (target >= 0.3), and the audience forecast's time for the same audience
(target < 0.3 s at 95,000). Without --database-url a temporary SQLite file is used; a given
database is emptied first (all tables dropped and created).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import String, cast, delete, func, insert, literal, select  # noqa: E402

import models_registry  # noqa: E402,F401
from bench.runtime import bench_runtime  # noqa: E402
from core.bulk import insert_select_new, json_with  # noqa: E402
from messaging import broadcasts  # noqa: E402
from core.orm import Base  # noqa: E402
from rewards.models import Member, Outbox  # noqa: E402
from worker.sweeps import broadcasts as broadcast_sweep  # noqa: E402

SEED_BATCH = 10_000


def seed(db, members: int) -> None:
    Base.metadata.drop_all(db.engine)
    Base.metadata.create_all(db.engine)
    now = datetime.now(timezone.utc)
    for first in range(0, members, SEED_BATCH):
        with db.session() as s:
            s.execute(insert(Member), [
                dict(member_code=f"Q{n:09d}", line_user_id=f"U{n:032x}", display_name=f"會員{n}", language="zh-TW",
                     status="member", is_blocked=n % 50 == 0, marketing_opt_in=n % 20 != 0, tier="member",
                     balance=0, tags=[], created_at=now, joined_at=now)
                for n in range(first, min(first + SEED_BATCH, members))])
    with db.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")


def floor(db, now: datetime) -> tuple[float, int]:
    """The same rows, written by one bare INSERT ... SELECT."""
    start = time.perf_counter()
    with db.session() as s:
        params = json_with(s, {"type": "text", "text_zh": "哈囉", "text_en": "Hi"}, name=Member.display_name)
        rows = select(literal("floor:") + cast(Member.id, String), Member.id, literal("broadcast"),
                      literal("marketing"), params, literal("pending"), literal(now, Outbox.not_before.type),
                      literal(now, Outbox.created_at.type))
        n = insert_select_new(s, Outbox, ["dedup_key", "member_id", "kind", "category", "params", "status",
                                          "not_before", "created_at"], rows)
    return time.perf_counter() - start, n


def sweep(rt, now: datetime) -> tuple[float, int]:
    with rt.db.session() as s:
        b = broadcasts.save_draft(s, "bench", None, broadcasts.Message(text_zh="{name} 哈囉", text_en="Hi {name}"),
                                  "bench", now)
        broadcasts.schedule(s, b, now, now)
    start = time.perf_counter()
    broadcast_sweep.run(rt, now)
    took = time.perf_counter() - start
    with rt.db.session() as s:
        n = s.scalar(select(func.count()).select_from(Outbox).where(Outbox.kind == "broadcast"))
    return took, n


def clear(db) -> None:
    with db.session() as s:
        s.execute(delete(Outbox))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--full", action="store_true", help="1,000,000 members")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    members = 1_000_000 if args.full else args.members
    with bench_runtime(args.database_url) as (rt, tmp):
        seed(rt.db, members)
        floors, sweeps = [], []
        for _ in range(args.runs):
            now = rt.clock.now()
            took, n_floor = floor(rt.db, now)
            floors.append(took)
            clear(rt.db)
            took, n_sweep = sweep(rt, now)
            sweeps.append(took)
            clear(rt.db)
            if n_floor != members or n_sweep != members:
                print(f"MISMATCH: floor wrote {n_floor:,}, the sweep {n_sweep:,}, for {members:,} members")
                return 1
        with rt.db.session() as s:
            f = broadcasts.audience_filter(s, broadcasts.Broadcast(segment_id=None))
            start = time.perf_counter()
            forecast = broadcasts.forecast(s, f, rt.clock.now(), rt.clock.now(), rt.settings)
            forecast_s = time.perf_counter() - start
        fl, sw = min(floors), min(sweeps)
        print(f"database: {rt.db.engine.dialect.name}, {members:,} recipients, {args.runs} runs (min / median)")
        print(f"floor (one INSERT ... SELECT): {fl:.2f} / {statistics.median(floors):.2f} s = {members / fl:,.0f} rows/s")
        print(f"broadcast sweep:               {sw:.2f} / {statistics.median(sweeps):.2f} s = {members / sw:,.0f} rows/s")
        print(f"ratio vs floor: {fl / sw:.2f}x (target >= 0.3)")
        print(f"audience forecast for {forecast.audience:,}: {forecast_s:.3f} s (target < 0.3 s at 95,000)")
        rt.db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
