"""How fast the outbox sender drains a broadcast: N members, one identical `text` row each.

    python bench/outbox_throughput.py [--database-url URL] [--members N] [--reset]

The LINE simulator runs in this process on a free port (it validates every call against LINE's
OpenAPI spec, so part of the time measured is the simulator's). Rows are `service` so the
messaging policy lets all of them through. Without --database-url a temporary SQLite file is used;
a given database gets the schema if it lacks it and must hold no members unless --reset, which
empties the outbox and members tables first.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import delete, func, insert, select  # noqa: E402

import models_registry  # noqa: E402,F401
from app import create_app  # noqa: E402
from bot.outbox_sender import OutboxSender  # noqa: E402
from rewards.models import Base, Member, Outbox  # noqa: E402
from simulator.platform import LinePlatform  # noqa: E402
from simulator.testing import running_simulator  # noqa: E402


def prepare(db, members: int, reset: bool, now: datetime) -> None:
    Base.metadata.create_all(db.engine)
    with db.session() as s:
        if reset:
            s.execute(delete(Outbox))
            s.execute(delete(Member))
        elif s.scalar(select(func.count()).select_from(Member)):
            raise SystemExit("the database already holds members; pass --reset to empty outbox and members first")
    start = time.perf_counter()
    with db.session() as s:
        for first in range(0, members, 5000):
            s.execute(insert(Member), [
                dict(member_code=f"B{n:08d}", line_user_id=f"U{n:032x}", language="zh-TW", status="member",
                     is_blocked=False, marketing_opt_in=True, tier="member", balance=0, tags=[], created_at=now)
                for n in range(first, min(first + 5000, members))])
        ids = list(s.scalars(select(Member.id).order_by(Member.id)))
        for first in range(0, len(ids), 5000):
            s.execute(insert(Outbox), [
                dict(dedup_key=f"bench:{mid}", member_id=mid, kind="text", category="service", campaign_id=1,
                     params={"text_zh": "本週新品上架！", "text_en": "New arrivals this week!"}, status="pending",
                     not_before=now, created_at=now, attempts=0)
                for mid in ids[first:first + 5000]])
    print(f"queued {members:,} rows in {time.perf_counter() - start:.2f} s")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--reset", action="store_true")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp, running_simulator(LinePlatform(quota_limit=None)) as sim:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        app = create_app({"BOT_ENV": "development", "DATABASE_URL": url, "LINE_API_URL": sim.url,
                          "LINE_API_DATA_URL": sim.url, "INBOX_MODE": "off"})
        rt = app.extensions["bot"]
        now = datetime.now(timezone.utc)
        prepare(rt.db, args.members, args.reset, now)

        start = time.perf_counter()
        summary = OutboxSender.from_runtime(rt).drain()
        elapsed = time.perf_counter() - start

        delivered = sum(1 for n in range(args.members) if sim.platform.delivered(f"U{n:032x}"))
        print(f"database: {rt.db.engine.dialect.name}")
        print(f"drained: {summary}")
        print(f"{summary.sent:,} recipients in {elapsed:.2f} s = {summary.sent / elapsed:,.0f} recipients/s "
              f"({summary.calls} LINE calls); delivered to {delivered:,}")
        rt.db.dispose()
        return 0 if delivered == args.members == summary.sent else 1


if __name__ == "__main__":
    raise SystemExit(main())
