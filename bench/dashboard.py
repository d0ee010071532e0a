"""How long the staff dashboard takes with 100,000 members and 1,000,000 orders on PostgreSQL.

Seeds the data with set-based INSERT ... SELECT generate_series (about a minute), runs the nightly
RFM scoring and the dashboard rollups (insights/rollups.py) once, then measures (median of several runs):
  * the dashboard's computation (console.dashboard_tables.build: the four measures for 12 months,
    per store, funnel, tier mix, RFM, returning share, broadcast results),
  * the whole page: GET /console/ through the app, logged in, rendered,
  * GET /api/v1/metrics (the same computation for one month) and one segment count.
Target: the page under one second.

    python bench/dashboard.py [--database-url URL] [--members 100000] [--orders 1000000] [--reseed]

The database is dropped and re-created when it does not hold the requested numbers (or with --reseed).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, text  # noqa: E402

from core.clock import FixedClock  # noqa: E402
from core.db import Database  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/console_bench"
TAIPEI = ZoneInfo("Asia/Taipei")
NOW = datetime(2026, 11, 20, 14, 0, tzinfo=TAIPEI)
STAFF_EMAIL, STAFF_PASSWORD = "bench@shop.example", "bench-password-123"

SEED_MEMBERS = """
INSERT INTO members (member_code, line_user_id, identity_hash, display_name, language, status, is_blocked,
                     followed_at, blocked_at, joined_at, consent_at, marketing_opt_in, opt_in_changed_at,
                     birthday_month, birthday_day, phone, tier, tier_since, balance, tags, created_at, erased_at)
SELECT 'B' || lpad(g::text, 9, '0'),
       CASE WHEN g % 50 = 0 THEN NULL ELSE 'U' || md5(g::text) END,
       md5('id' || g::text) || md5(g::text),
       CASE WHEN g % 50 = 0 THEN NULL ELSE '會員' || g END,
       CASE WHEN g % 7 = 0 THEN 'en' ELSE 'zh-TW' END,
       CASE WHEN g % 50 = 0 THEN 'erased' WHEN g % 33 = 0 THEN 'friend' ELSE 'member' END,
       g % 20 = 0,
       t.created, CASE WHEN g % 20 = 0 THEN t.created + interval '30 days' END,
       CASE WHEN g % 33 = 0 AND g % 50 <> 0 THEN NULL ELSE t.created + interval '10 minutes' END,
       CASE WHEN g % 33 = 0 AND g % 50 <> 0 THEN NULL ELSE t.created + interval '10 minutes' END,
       g % 10 <> 0, t.created,
       CASE WHEN g % 50 = 0 THEN NULL ELSE 1 + g % 12 END, CASE WHEN g % 50 = 0 THEN NULL ELSE 1 + g % 28 END,
       NULL,
       CASE WHEN g % 17 = 0 THEN 'gold' WHEN g % 5 = 0 THEN 'silver' ELSE 'member' END, t.created,
       0,
       CASE WHEN g % 9 = 0 THEN '["vip", "interest:coffee"]' WHEN g % 4 = 0 THEN '["interest:tea"]' ELSE '[]' END::json,
       t.created,
       CASE WHEN g % 50 = 0 THEN :now - interval '20 days' END
FROM generate_series(1, :members) AS g,
     LATERAL (SELECT :now - (interval '1 day' * (1095 * (g::double precision / :members) ^ 0.8))
                          - interval '1 minute' * (g % 1440) AS created) AS t
"""

# Orders spread evenly over the three years; each goes to a member who had joined by then (members
# are numbered newest first), so long-standing members have more orders, as in a real shop.
SEED_ORDERS = """
INSERT INTO orders (channel, external_id, member_id, amount, net_amount, status, placed_at, store_id, items,
                    tier_at_order, multiplier_pct, points_earned, request_fingerprint, balance_after, tier_after,
                    tier_changed, created_at, updated_at)
SELECT CASE WHEN g % 5 = 0 THEN 'online' ELSE 'store' END,
       'BENCH-' || g,
       m.id,
       a.amount,
       CASE WHEN g % 40 = 0 THEN 0 ELSE a.amount END,
       CASE WHEN g % 40 = 0 THEN 'refunded' ELSE 'paid' END,
       p.placed,
       CASE WHEN g % 5 = 0 THEN NULL ELSE 'S' || lpad((1 + g % 12)::text, 2, '0') END,
       NULL, m.tier, 100, a.amount / 100, repeat('0', 64), 0, m.tier, false, p.placed, p.placed
FROM generate_series(1, :orders) AS g
CROSS JOIN LATERAL (SELECT 100 + ((g::bigint * 7919) % 4900)::int AS amount,
                           ((g::bigint * 104729) % 1000003) / 1000003.0 AS age) AS a
CROSS JOIN LATERAL (SELECT :now - interval '1 day' * (1094 * a.age) - interval '1 hour' AS placed,
                           least(:members - 1, floor(:members * power(a.age, 1.25))::bigint) AS oldest) AS p
JOIN members m ON m.id = 1 + p.oldest + ((g::bigint * 48271) % (:members - p.oldest))
WHERE m.status <> 'friend'
"""

SEED_REFUNDS = """
INSERT INTO order_refunds (order_id, refund_id, amount, points_reversed, shortfall, created_at)
SELECT id, 'R-' || id, amount, 0, 0, least(placed_at + interval '2 days', :now)
FROM orders WHERE status = 'refunded'
"""


def seed(db: Database, members: int, orders: int) -> None:
    import models_registry  # noqa: F401
    from rewards.models import Base

    with db.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    Base.metadata.create_all(db.engine)
    started = time.perf_counter()
    with db.engine.begin() as conn:
        conn.execute(text(SEED_MEMBERS), {"members": members, "now": NOW})
        # ~2% of the generated orders fall on friends (skipped); ask for a few more to land near the target
        conn.execute(text(SEED_ORDERS), {"orders": int(orders * 1.031), "members": members, "now": NOW})
        conn.execute(text(SEED_REFUNDS), {"now": NOW})
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    print(f"seeded in {time.perf_counter() - started:.1f} s")


def counts(db: Database) -> tuple[int, int]:
    from rewards.models import Member, Order
    try:
        with db.session() as s:
            return s.scalar(select(func.count()).select_from(Member)), s.scalar(select(func.count()).select_from(Order))
    except Exception:  # noqa: BLE001 - no schema yet
        return 0, 0


def timed(fn, runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()

    db = Database(args.database_url)
    if not db.is_postgres:
        print("this benchmark needs PostgreSQL (--database-url postgresql+psycopg://...)")
        return 2
    have_members, have_orders = counts(db)
    if args.reseed or have_members != args.members or abs(have_orders - args.orders) > args.orders * 0.02:
        seed(db, args.members, args.orders)
    have_members, have_orders = counts(db)
    print(f"data: {have_members:,} member records, {have_orders:,} orders")

    from app import create_app
    from console import dashboard_tables
    from console import staff as accounts
    from insights import rfm, rollups
    from insights import segments as seg
    from insights.months import Month
    from rewards.settings import ProgramSettings

    with db.session() as s:
        started = time.perf_counter()
        sizes = rfm.score_all(s, NOW)
        rfm_seconds = time.perf_counter() - started
    print(f"nightly RFM scoring: {rfm_seconds:.2f} s for {sum(sizes.values()):,} buyers")
    with db.session() as s:
        started = time.perf_counter()
        summary = rollups.rebuild(s, NOW, TAIPEI)
        rollup_seconds = time.perf_counter() - started
    print(f"nightly dashboard rollups: {rollup_seconds:.2f} s ({summary})")

    month = Month.of(NOW)
    settings = ProgramSettings()

    def compute():
        with db.session() as s:
            dashboard_tables.build(s, month, TAIPEI, settings)

    compute()  # warm the caches once, as a running server would be
    compute_median, compute_all = timed(compute, args.runs)

    app = create_app({"BOT_ENV": "test", "DATABASE_URL": args.database_url, "INBOX_MODE": "off",
                      "LINE_API_URL": "http://127.0.0.1:9", "LINE_API_DATA_URL": "http://127.0.0.1:9"},
                     clock=FixedClock(NOW))
    rt = app.extensions["bot"]
    with rt.db.session() as s:
        if accounts.by_email(s, STAFF_EMAIL) is None:
            accounts.create_staff(s, STAFF_EMAIL, STAFF_PASSWORD, "viewer", NOW)
        from api.keys import create_key
        _, api_key = create_key(s, f"bench-{int(time.time())}", NOW)
    client = app.test_client()
    token_page = client.get("/console/login").get_data(as_text=True)
    token = token_page.split('name="csrf_token" value="')[1].split('"')[0]
    assert client.post("/console/login", data={"email": STAFF_EMAIL, "password": STAFF_PASSWORD,
                                               "csrf_token": token}).status_code == 302

    def page():
        response = client.get("/console/")
        assert response.status_code == 200 and "會員經營儀表板" in response.get_data(as_text=True)

    def api():
        response = client.get(f"/api/v1/metrics?month={month}", headers={"Authorization": f"Bearer {api_key}"})
        assert response.status_code == 200

    def segment():
        with db.session() as s:
            f = seg.SegmentFilter.from_dict({"tiers": ["gold", "silver"], "orders_min": 2, "spend_12m_min": 5000,
                                             "subscribed": "yes"})
            seg.count(s, f, NOW)

    page()
    page_median, page_all = timed(page, args.runs)
    api_median, _ = timed(api, args.runs)
    segment_median, _ = timed(segment, max(3, args.runs // 2))
    app.extensions["inbox_worker"].shutdown()

    result = {"at": datetime.now(timezone.utc).isoformat(), "members": have_members, "orders": have_orders,
              "dashboard_compute_s": round(compute_median, 3), "dashboard_page_s": round(page_median, 3),
              "metrics_api_s": round(api_median, 3), "segment_count_s": round(segment_median, 3),
              "rfm_nightly_s": round(rfm_seconds, 2), "rollups_nightly_s": round(rollup_seconds, 2), "runs": args.runs,
              "page_runs_s": [round(t, 3) for t in page_all], "compute_runs_s": [round(t, 3) for t in compute_all]}
    print(f"dashboard computation: {compute_median * 1000:.0f} ms (median of {args.runs})")
    print(f"dashboard page (GET /console/, rendered): {page_median * 1000:.0f} ms (median of {args.runs})")
    print(f"GET /api/v1/metrics: {api_median * 1000:.0f} ms; a segment count: {segment_median * 1000:.0f} ms")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "dashboard.json").write_text(json.dumps(result, indent=2))
    ok = page_median < 1.0
    print("target (page under 1 s):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
