"""`members import`: 100,000 members moved in from another programme in under a minute on PostgreSQL.

    python bench/member_import.py [--database-url URL] [--rows N]

The database comes from --database-url, else BENCH_DATABASE_URL, else a temporary SQLite file; a
given database is emptied first (all tables dropped and created). Writes a CSV of N members (default
100,000: names, phones, emails, birthdays, balances, tiers, consent; a tenth in Big5 is not needed:
decoding is timed as part of the run), then runs the import as `flask --app app members import`
does (decode, check every line, write chunk by chunk), then the same file again (every row
unchanged). Prints rows/s and the ratio of the 60 s floor to the time taken (>= 1.0: fast enough).
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import time
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

import models_registry  # noqa: E402,F401
from bench.runtime import bench_runtime  # noqa: E402
from rewards import ledger, member_imports  # noqa: E402
from rewards.member_rows import COLUMNS  # noqa: E402
from core.orm import Base  # noqa: E402
from rewards.models import Member, MemberImport, PointsLedger  # noqa: E402

FLOOR_SECONDS = 60.0
TIERS = ("member", "member", "member", "silver", "gold")


def write_csv(path: Path, rows: int) -> None:
    rng = random.Random(21)
    lines = [",".join(COLUMNS)]
    for i in range(rows):
        tier = TIERS[i % len(TIERS)]
        lines.append(",".join([
            f"OLD-{i:07d}", f"會員{i}", f"09{rng.randrange(10**8):08d}", f"m{i}@example.com",
            f"{1950 + i % 55}-{1 + i % 12:02d}-{1 + i % 28:02d}", str(rng.randrange(5000)), tier,
            "2027-12-31" if tier != "member" else "", f"20{10 + i % 15}-0{1 + i % 9}-15", str(i % 2)]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def run_import(rt, path: Path, now):
    start = time.perf_counter()
    text, _encoding = member_imports.decode(path.read_bytes())
    summary = member_imports.import_members(partial(rt.db.run, write=True), "bench", member_imports.csv_rows(text),
                                            now, rt.settings)
    return time.perf_counter() - start, summary


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args(argv)
    with bench_runtime(args.database_url) as (rt, tmp):
        Base.metadata.drop_all(rt.db.engine)
        Base.metadata.create_all(rt.db.engine)
        now = rt.clock.now()
        path = tmp / "members.csv"
        write_csv(path, args.rows)
        took, summary = run_import(rt, path, now)
        again_s, again = run_import(rt, path, now)
        with rt.db.session() as s:
            records = s.scalar(select(func.count()).select_from(MemberImport))
            members = s.scalar(select(func.count()).select_from(Member).where(Member.status == "imported"))
            openings = s.scalar(select(func.count()).select_from(PointsLedger))
            problems = ledger.find_inconsistencies(s)
        print(f"database: {rt.db.engine.dialect.name}, {args.rows:,} members in the file")
        print(f"members import:       {took:.1f} s = {args.rows / took:,.0f} rows/s "
              f"({summary.created:,} created, {openings:,} opening ledger rows)")
        print(f"the same file again:  {again_s:.1f} s ({again.unchanged:,} unchanged)")
        print(f"ratio vs the {FLOOR_SECONDS:.0f} s floor: {FLOOR_SECONDS / took:.2f}x "
              f"(>= 1.0 for {args.rows:,} rows: {'met' if took < FLOOR_SECONDS else 'NOT met'})")
        ok = (summary.created == args.rows == records == members == openings and not summary.errors
              and again.unchanged == args.rows and again.created == 0 and not problems)
        if not ok:
            print(f"MISMATCH: created {summary.created:,}, records {records:,}, members {members:,}, "
                  f"openings {openings:,}, errors {summary.errors[:3]}, again {again.unchanged:,}, "
                  f"ledger problems {len(problems)}")
        rt.db.dispose()
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
