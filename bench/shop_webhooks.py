"""Online shops' webhooks: deliveries accepted and processed per second for each platform, against
the orders API's own rate in the same run; and the time to answer with 16 parallel senders.

1. One at a time, in this process (Flask's test client, INBOX_MODE=sync: each delivery recorded,
   answered and processed, credit and receipt included, inside its request). Each round posts a
   block of orders through `POST /api/v1/orders` and a block of paid orders through each platform's
   webhook, each signed as the platform signs it; the four take turns in an order that rotates from
   round to round, so a busy machine's swings fall on all four alike (timed one after another, the
   API's own rate moved 3× between its first and last block). Rates are summed over the rounds.
   Target: each platform ≥ 0.8 × the API's rate.
2. Served as production serves it: gunicorn in its own process, with the Procfile's `web` settings
   (2 workers × 4 threads unless told otherwise), INBOX_MODE=thread (answered once recorded,
   processed by the pool behind); the senders are threads of this process. 16 senders post a burst
   of deliveries of one platform: p50/p99 of the answer, and the rate until every delivery was
   processed; the same senders post a burst of orders through the API on the same server, and GET
   `/healthz` there (the floor: what any answer of that server takes at that moment). The five take
   turns in rounds as in 1 (M per sender in all, over the rounds). Targets:
   p99 < 200 ms; processed per second ≥ 0.8 × the API's orders per second.

Every delivery is checked to have credited its order. `--runs` runs (default 3): each run's figures,
then min / median over the runs.

    python bench/shop_webhooks.py [--database-url URL] [--runs 3] [--orders 300] [--rounds 5]
                                  [--senders 16] [--parallel-deliveries 50] [--workers 2] [--threads 4]

Without --database-url a temporary SQLite file is used. A PostgreSQL URL should name a scratch database.
The figures measured, and on what machine: README's performance table. On 2 busy cores (load average
6-10) the floor's own p99 was 185-235 ms on PostgreSQL, so part 2's answer times there say as much
about the machine as about the webhook: read them against the floor of the same run.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

import models_registry  # noqa: E402,F401
from api.keys import create_key  # noqa: E402
from bench.orders_api import new_members  # noqa: E402
from bench.orders_api_server import start_server  # noqa: E402
from bench.processes import free_port  # noqa: E402
from core.clock import FixedClock  # noqa: E402
from core.orm import Base  # noqa: E402
from rewards.shops.models import ShopDelivery, ShopOrder  # noqa: E402
from simulator.shop_signing import sign_shopify, sign_shopline, sign_woocommerce  # noqa: E402

TZ = ZoneInfo("Asia/Taipei")
SECRETS = {"SHOPIFY_WEBHOOK_SECRET": "bench-shopify", "SHOPIFY_SHOP_DOMAIN": "bench.myshopify.com",
           "WOOCOMMERCE_WEBHOOK_SECRET": "bench-woo", "WOOCOMMERCE_URL": "https://bench.example.com",
           "SHOPLINE_APP_SECRET": "bench-shopline"}
NOW = datetime(2026, 11, 20, 14, 0, tzinfo=TZ)  # part 1's clock; part 2's server runs on the real one


def build_app(database_url: str, mode: str, clock=None):
    from app import create_app

    app = create_app({"BOT_ENV": "test", "DATABASE_URL": database_url, "INBOX_MODE": mode, "LOG_LEVEL": "WARNING",
                      "LINE_API_URL": "http://127.0.0.1:9", "LINE_API_DATA_URL": "http://127.0.0.1:9", **SECRETS},
                     clock=clock or FixedClock(NOW))
    Base.metadata.create_all(app.extensions["bot"].db.engine)
    return app


def placed_an_hour_before(now: datetime) -> str:
    return (now - timedelta(hours=1)).astimezone(timezone.utc).replace(microsecond=0).isoformat()


def shopify(order_id: str, code: str, placed: str) -> tuple[str, bytes, dict]:
    body = json.dumps({"id": order_id, "name": f"#{order_id}", "currency": "TWD", "total_price": "1280.00",
                       "total_shipping_price_set": {"shop_money": {"amount": "80.00", "currency_code": "TWD"}},
                       "created_at": placed, "note_attributes": [{"name": "member_code", "value": code}],
                       "customer": {"id": 7000 + hash(code) % 1000}}).encode()
    return "/webhooks/shopify", body, {
        "X-Shopify-Topic": "orders/paid", "X-Shopify-Shop-Domain": "bench.myshopify.com",
        "X-Shopify-Webhook-Id": uuid.uuid4().hex, "X-Shopify-Hmac-Sha256": sign_shopify("bench-shopify", body)}


def woocommerce(order_id: str, code: str, placed: str) -> tuple[str, bytes, dict]:
    body = json.dumps({"id": order_id, "number": order_id, "status": "completed", "currency": "TWD",
                       "total": "1280.00", "shipping_total": "80.00", "date_paid_gmt": placed[:19],
                       "customer_id": 0, "billing": {"phone": ""},
                       "meta_data": [{"id": 1, "key": "member_code", "value": code}], "refunds": []}).encode()
    return "/webhooks/woocommerce", body, {
        "X-WC-Webhook-Topic": "order.updated", "X-WC-Webhook-Source": "https://bench.example.com/",
        "X-WC-Webhook-Delivery-ID": uuid.uuid4().hex, "X-WC-Webhook-Signature": sign_woocommerce("bench-woo", body)}


def shopline(order_id: str, code: str, placed: str) -> tuple[str, bytes, dict]:
    money = lambda n: {"cents": n * 100, "currency_iso": "TWD", "dollars": float(n)}  # noqa: E731
    payload = {"topic": "order/complete", "merchant_id": "bench", "resource": {
        "id": order_id, "order_number": order_id, "status": "completed", "total": money(1280),
        "delivery_fee": money(80), "created_at": placed,
        "custom_data": [{"field_id": "f1", "name": "member_code", "value": code}]}}
    body = json.dumps(payload).encode()
    sign = sign_shopline("bench-shopline", "1700000000", payload)
    return f"/webhooks/shopline?sign={sign}", body, {"X-Shopline-Developer-Event-Timestamp": "1700000000"}


PLATFORMS = {"shopify": shopify, "woocommerce": woocommerce, "shopline": shopline}
PATHS = ("api", *PLATFORMS)
SERVED = ("healthz", *PATHS)  # part 2: GET /healthz on the same server, the answer time's floor


def order_body(order_id: str, code: str, placed: str) -> dict:
    return {"channel": "online", "order_id": order_id, "member_code": code, "amount": 1200, "placed_at": placed}


def deliveries(platform: str, tag: str, members, count: int, placed: str) -> tuple[list, list[str]]:
    """`count` signed deliveries of new orders (ids `<tag><n>`), and those order ids."""
    ids = [f"{tag}{i}" for i in range(count)]
    return [PLATFORMS[platform](oid, members[i % len(members)][1], placed) for i, oid in enumerate(ids)], ids


def check_credited(db, platform: str, ids: list[str]) -> None:
    """Every order of `ids` was credited (the bench times work that was done, not refused)."""
    with db.session() as s:
        credited = s.scalar(select(func.count()).select_from(ShopOrder).where(
            ShopOrder.platform == platform, ShopOrder.status == "credited", ShopOrder.external_id.in_(ids)))
    if credited != len(ids):
        raise SystemExit(f"{platform}: {credited} of {len(ids)} orders credited")


# -- 1. one at a time, in this process ------------------------------------------------------------

def one_at_a_time(database_url: str, orders: int, rounds: int, members_each: int) -> dict[str, float]:
    """Each path's rate (per second) over `rounds` interleaved blocks of orders // rounds."""
    app = build_app(database_url, "sync")
    rt = app.extensions["bot"]
    with rt.db.session() as s:
        _row, key = create_key(s, f"bench-{uuid.uuid4().hex[:8]}", rt.clock.now())
    client = app.test_client()
    headers = {"Authorization": f"Bearer {key}"}
    placed = placed_an_hour_before(rt.clock.now())
    members = {path: new_members(rt, members_each) for path in PATHS}  # none timed against longer histories
    block = max(orders // rounds, 1)

    def run_block(path: str, count: int, tag: str) -> float:
        if path == "api":
            bodies = [order_body(f"A-{tag}{i}", members[path][i % members_each][1], placed) for i in range(count)]
            started = time.perf_counter()
            for body in bodies:
                answer = client.post("/api/v1/orders", headers=headers, json=body)
                if answer.status_code != 201:
                    raise SystemExit(f"the API answered {answer.status_code}: {answer.get_data(as_text=True)[:200]}")
            return time.perf_counter() - started
        work, ids = deliveries(path, tag, members[path], count, placed)
        started = time.perf_counter()
        for url, body, head in work:
            answer = client.post(url, data=body, headers={**head, "Content-Type": "application/json"})
            if answer.status_code != 200:
                raise SystemExit(f"{path} answered {answer.status_code}")
        took = time.perf_counter() - started
        check_credited(rt.db, path, ids)
        return took

    for path in PATHS:  # warm-up: each path's statements prepared, its code paths loaded
        run_block(path, 20, f"W{uuid.uuid4().hex[:8]}")
    spent = dict.fromkeys(PATHS, 0.0)
    for r in range(rounds):
        for path in PATHS[r % len(PATHS):] + PATHS[:r % len(PATHS)]:
            spent[path] += run_block(path, block, f"R{uuid.uuid4().hex[:8]}")
    app.extensions["shop_worker"].shutdown()
    rt.db.dispose()
    return {path: block * rounds / spent[path] for path in PATHS}


# -- 2. under gunicorn, 16 senders -----------------------------------------------------------------

def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def send_all(base: str, work: list[list[tuple[str, bytes | None, dict]]], expect: int) -> list[float]:
    """Each batch from a sender of its own (one keep-alive connection; a body of None: a GET); the answer times in ms."""
    def send(batch):
        times = []
        with requests.Session() as session:
            for path, body, headers in batch:
                started = time.perf_counter()
                answer = (session.post(base + path, data=body, headers=headers, timeout=60) if body is not None
                          else session.get(base + path, timeout=60))
                times.append((time.perf_counter() - started) * 1000)
                if answer.status_code != expect:
                    raise SystemExit(f"{path} answered {answer.status_code}: {answer.text[:200]}")
        return times

    with ThreadPoolExecutor(len(work)) as pool:
        return [t for batch in pool.map(send, work) for t in batch]


def served(db, base: str, key: str, members, senders: int, each: int, turn: int = 0) -> dict[str, tuple[list, float]]:
    """Each path: (answer times in ms, seconds until all were processed); the paths in turn,
    starting with the `turn`-th."""
    placed = placed_an_hour_before(datetime.now(timezone.utc))
    json_type = {"Content-Type": "application/json"}
    found = {}
    for path in SERVED[turn % len(SERVED):] + SERVED[:turn % len(SERVED)]:
        tag = uuid.uuid4().hex[:8]
        if path == "healthz":
            started = time.perf_counter()
            times = send_all(base, [[("/healthz", None, {})] * each for _ in range(senders)], 200)
        elif path == "api":
            auth = {**json_type, "Authorization": f"Bearer {key}"}
            work = [[("/api/v1/orders", json.dumps(order_body(f"S-{tag}-{s}-{i}", members[(s * each + i) % len(members)][1],
                                                               placed)).encode(), auth) for i in range(each)]
                    for s in range(senders)]
            started = time.perf_counter()
            times = send_all(base, work, 201)
        else:
            work, ids = [], []
            for s in range(senders):
                batch, batch_ids = deliveries(path, f"P{tag}{s}x", members[s * each % len(members):] + members,
                                              each, placed)
                work.append([(p, b, {**h, **json_type}) for p, b, h in batch])
                ids += batch_ids
            started = time.perf_counter()
            times = send_all(base, work, 200)
            while True:  # processed by the server's pool, behind the answers
                with db.session() as s:
                    left = s.scalar(select(func.count()).select_from(ShopDelivery).where(
                        ShopDelivery.platform == path, ShopDelivery.status.in_(("pending", "processing"))))
                if not left:
                    break
                time.sleep(0.02)
        took = time.perf_counter() - started
        if path in PLATFORMS:
            check_credited(db, path, ids)
        found[path] = (times, took)
    return found


def served_rounds(db, base: str, key: str, members, senders: int, each: int, rounds: int,
                  turn: int) -> dict[str, tuple[float, float, float]]:
    """`served` in `rounds` bursts of each // rounds per sender, the paths' order rotating: each
    path's (answer p50 ms, p99 ms, processed per second) over all its bursts."""
    times: dict[str, list] = {p: [] for p in SERVED}
    took = dict.fromkeys(SERVED, 0.0)
    for r in range(rounds):
        for path, (burst, seconds) in served(db, base, key, members, senders, max(each // rounds, 1),
                                             turn + r).items():
            times[path] += burst
            took[path] += seconds
    return {p: (statistics.median(times[p]), percentile(times[p], 99), len(times[p]) / took[p]) for p in SERVED}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--orders", type=int, default=300, help="part 1: orders (and deliveries per platform) timed")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved blocks (part 2: bursts) per path")
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--senders", type=int, default=16)
    parser.add_argument("--parallel-deliveries", type=int, default=50, help="part 2: deliveries per sender")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (the Procfile's default)")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker (the Procfile's)")
    parser.add_argument("--skip-served", action="store_true", help="part 1 only")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="shop-bench-")
    database_url = args.database_url or f"sqlite:///{tmp}/bench.db"

    seeding = build_app(database_url, "off", clock=None)
    seed_rt = seeding.extensions["bot"]
    name = seed_rt.db.engine.dialect.name
    server = None
    if not args.skip_served:
        served_members = new_members(seed_rt, args.members)
        with seed_rt.db.session() as s:
            _row, key = create_key(s, f"bench-{uuid.uuid4().hex[:8]}", seed_rt.clock.now())
        env = {"BOT_ENV": "development", "DATABASE_URL": database_url, "INBOX_MODE": "thread", "SECRET_KEY": "b" * 40,
               "INSTANCE_PATH": f"{tmp}/instance", "CONTENT_LIBRARY_DIR": f"{tmp}/no-library", "LOG_LEVEL": "WARNING",
               "LINE_API_URL": "http://127.0.0.1:9", "LINE_API_DATA_URL": "http://127.0.0.1:9",
               "PROMETHEUS_MULTIPROC_DIR": f"{tmp}/prometheus", **SECRETS}
        port = free_port()
        server = start_server(env, port, args.workers, args.threads, Path(tmp) / "gunicorn.log")
    seeding.extensions["shop_worker"].shutdown()
    try:
        ones, serves = [], []
        if server is not None:  # warm-up: every worker's statements prepared, its code paths loaded
            served(seed_rt.db, f"http://127.0.0.1:{port}", key, served_members, args.senders, 2)
        for run in range(1, args.runs + 1):
            rates = one_at_a_time(database_url, args.orders, args.rounds, args.members)
            ones.append(rates)
            print(f"run {run}: 1. one at a time: API {rates['api']:.1f} orders/s; " + "; ".join(
                f"{p} {rates[p]:.1f}/s {rates[p] / rates['api']:.2f}×" for p in PLATFORMS), flush=True)
            if server is not None:
                found = served_rounds(seed_rt.db, f"http://127.0.0.1:{port}", key, served_members, args.senders,
                                      args.parallel_deliveries, args.rounds, turn=run - 1)
                serves.append(found)
                print(f"run {run}: 2. gunicorn: " + "; ".join(
                    f"{p} p50 {found[p][0]:.0f} p99 {found[p][1]:.0f} ms, {found[p][2]:.1f}/s"
                    + (f" {found[p][2] / found['api'][2]:.2f}×" if p in PLATFORMS else "") for p in SERVED), flush=True)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        seed_rt.db.dispose()

    def spread(values: list[float], fmt: str = "{:.2f}") -> str:
        return f"{fmt.format(min(values))} / {fmt.format(statistics.median(values))}"

    print(f"\ndatabase: {name}; {args.runs} runs (min / median)")
    print(f"1. one at a time, recorded + answered + processed (INBOX_MODE=sync), {args.orders} each in "
          f"{args.rounds} interleaved rounds:")
    print(f"   POST /api/v1/orders          {spread([r['api'] for r in ones], '{:.1f}')} orders/s")
    for p in PLATFORMS:
        print(f"   POST /webhooks/{p:<12}  {spread([r[p] for r in ones], '{:.1f}')} deliveries/s; "
              f"{spread([r[p] / r['api'] for r in ones])}× the API's rate (target ≥ 0.80)")
    if serves:
        total = args.senders * args.parallel_deliveries
        print(f"2. gunicorn {args.workers} workers × {args.threads} threads, INBOX_MODE=thread, "
              f"{args.senders} senders × {args.parallel_deliveries} ({total} each):")
        print(f"   GET /healthz (floor)         p50 {spread([f['healthz'][0] for f in serves], '{:.0f}')} ms, "
              f"p99 {spread([f['healthz'][1] for f in serves], '{:.0f}')} ms")
        print(f"   POST /api/v1/orders          p50 {spread([f['api'][0] for f in serves], '{:.0f}')} ms, "
              f"p99 {spread([f['api'][1] for f in serves], '{:.0f}')} ms; "
              f"{spread([f['api'][2] for f in serves], '{:.1f}')} orders/s")
        for p in PLATFORMS:
            print(f"   POST /webhooks/{p:<12}  p50 {spread([f[p][0] for f in serves], '{:.0f}')} ms, "
                  f"p99 {spread([f[p][1] for f in serves], '{:.0f}')} ms (target < 200); processed "
                  f"{spread([f[p][2] for f in serves], '{:.1f}')}/s, "
                  f"{spread([f[p][2] / f['api'][2] for f in serves])}× the API's (target ≥ 0.80)")


if __name__ == "__main__":
    main()
