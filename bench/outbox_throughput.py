"""Outbox sender, recipients/s, against bare multicasts of 500 to the same simulator, 4 in flight.

N members get one identical `text` row each (`service`, so the policy lets every one through) and
the sender drains them (timed); the settle of their outbox rows that the worker runs after a drain
is timed apart and printed. The floor, measured in the same run against the same simulator, is the
bare line-bot-sdk client multicasting the same message to N other users, 500 per call, 4 calls in
flight: what LINE calls alone cost. The simulator runs in a process of its own (`python -m
simulator`, no monthly limit), so validating the calls is billed to neither side.

    python bench/outbox_throughput.py [--database-url URL] [--members N | --full] [--runs 3] [--reset]

Without --database-url each run uses a fresh temporary SQLite file; a given database gets the
schema if it lacks it and must hold no members unless --reset, which empties the outbox, its batches
and the members first. Prints recipients/s of the floor and of the sender and their ratio
(target >= 0.5) per run, then min and median over the runs.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.processes import simulator_process  # noqa: E402
from sqlalchemy import delete, func, insert, select  # noqa: E402

import models_registry  # noqa: E402,F401
from app import create_app  # noqa: E402
from bot.line_client import LineClient  # noqa: E402
from bot.notice_messages import render  # noqa: E402
from bot.outbox.sender import OutboxSender  # noqa: E402
from core.orm import Base  # noqa: E402
from rewards.models import Member, Outbox  # noqa: E402

PARAMS = {"text_zh": "本週新品上架！", "text_en": "New arrivals this week!"}
IN_FLIGHT = 4
PER_CALL = 500
FLOOR_USERS = 1 << 100  # the floor's users are other LINE ids than the members'


def user_id(n: int) -> str:
    return f"U{n:032x}"


def floor(line: LineClient, recipients: int, messages: list[dict]) -> float:
    """Recipients/s of bare multicasts: 500 per call, 4 in flight, each call with its own retry key."""
    chunks = [[user_id(FLOOR_USERS + n) for n in range(first, min(first + PER_CALL, recipients))]
              for first in range(0, recipients, PER_CALL)]
    with ThreadPoolExecutor(IN_FLIGHT) as pool:
        start = time.perf_counter()
        list(pool.map(lambda to: line.multicast(to, messages, retry_key=str(uuid.uuid4())), chunks))
        return recipients / (time.perf_counter() - start)


def prepare(db, members: int, reset: bool, now: datetime) -> None:
    Base.metadata.create_all(db.engine)
    with db.session() as s:
        if reset:
            s.execute(delete(Outbox))
            for table in ("outbox_claims", "outbox_batches"):
                if table in Base.metadata.tables:
                    s.execute(delete(Base.metadata.tables[table]))
            s.execute(delete(Member))
        elif s.scalar(select(func.count()).select_from(Member)):
            raise SystemExit("the database already holds members; pass --reset to empty outbox and members first")
    with db.session() as s:
        for first in range(0, members, 5000):
            s.execute(insert(Member), [
                dict(member_code=f"B{n:08d}", line_user_id=user_id(n), language="zh-TW", status="member",
                     is_blocked=False, marketing_opt_in=True, tier="member", balance=0, tags=[], created_at=now)
                for n in range(first, min(first + 5000, members))])
        ids = list(s.scalars(select(Member.id).order_by(Member.id)))
        for first in range(0, len(ids), 5000):
            s.execute(insert(Outbox), [
                dict(dedup_key=f"bench:{mid}", member_id=mid, kind="text", category="service", campaign_id=1,
                     params=PARAMS, status="pending", not_before=now, created_at=now)
                for mid in ids[first:first + 5000]])
    if db.is_postgres:  # statistics for the planner, and no dead rows left by --reset
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE outbox, outbox_batches, outbox_claims, members")


def one_run(sim_url: str, database_url: str, members: int, reset: bool) -> tuple[float, float]:
    """(floor, sender) in recipients/s; the floor is the mean of one measure before and one after."""
    app = create_app({"BOT_ENV": "development", "DATABASE_URL": database_url, "LINE_API_URL": sim_url,
                      "LINE_API_DATA_URL": sim_url, "INBOX_MODE": "off"})
    rt = app.extensions["bot"]
    messages = render("text", PARAMS, "zh-TW", rt.settings)
    before = floor(rt.line, members, messages)
    prepare(rt.db, members, reset, datetime.now(timezone.utc))
    used = rt.line.quota_used()
    outbox = OutboxSender.from_runtime(rt)
    start = time.perf_counter()
    summary = outbox.drain()
    sender = summary.sent / (time.perf_counter() - start)
    delivered = rt.line.quota_used() - used
    start = time.perf_counter()
    settled = outbox.settle()  # the worker's, after the drain: not part of sending
    settle_s = time.perf_counter() - start
    after = floor(rt.line, members, messages)
    rt.db.dispose()
    if not delivered == members == summary.sent:
        raise SystemExit(f"not every member got the message once: {summary}; LINE counted {delivered:,}")
    print(f"  {summary}; floor {before:,.0f} / {after:,.0f} recipients/s; then {settled:,} rows settled in "
          f"{settle_s:.2f} s", flush=True)
    return (before + after) / 2, sender


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--full", action="store_true", help="200,000 members")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reset", action="store_true")
    args = parser.parse_args(argv)
    members = 200_000 if args.full else args.members

    ratios, senders, floors = [], [], []
    with simulator_process(quota="none") as (sim_url, _pid):
        for run in range(args.runs):
            with tempfile.TemporaryDirectory() as tmp:
                url = args.database_url or f"sqlite:///{tmp}/bench.db"
                bare, sender = one_run(sim_url, url, members, args.reset or run > 0)
            floors.append(bare)
            senders.append(sender)
            ratios.append(sender / bare)
            print(f"run {run + 1}: {members:,} recipients; floor {bare:,.0f}/s, sender {sender:,.0f}/s, "
                  f"ratio {sender / bare:.2f}", flush=True)
    print(f"database: {url.split(':')[0]}; {members:,} recipients, {args.runs} runs")
    print(f"floor  (bare multicasts, {IN_FLIGHT} in flight): min {min(floors):,.0f}  median "
          f"{statistics.median(floors):,.0f} recipients/s")
    print(f"sender (outbox drain):              min {min(senders):,.0f}  median "
          f"{statistics.median(senders):,.0f} recipients/s")
    print(f"ratio sender/floor (target >= 0.5): min {min(ratios):.2f}  median {statistics.median(ratios):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
