"""Online shops' webhooks: deliveries accepted and processed per second for each platform, against
the orders API's own rate in the same run; and the time to answer with 16 parallel senders.

1. Throughput (Flask's test client, one request at a time, INBOX_MODE=sync so each delivery is
   recorded, answered and processed, credit and receipt included, inside its request): N orders
   through `POST /api/v1/orders`, then N paid orders through each platform's webhook, each signed
   as the platform signs it. Target: each platform ≥ 0.8 × the API's rate.
2. Answer time (a threaded HTTP server on a local port, INBOX_MODE=thread as in production: answered
   once recorded, processed by the pool behind): 16 senders post M deliveries each; p50/p99 of the
   answer, and how long until all were processed. Target: p99 < 200 ms.

    python bench/shop_webhooks.py [--orders 300] [--parallel-deliveries 50] [--database-url URL]

Without --database-url a temporary SQLite file is used. A PostgreSQL URL should name a scratch database.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

import models_registry  # noqa: E402,F401
from api.keys import create_key  # noqa: E402
from bench.orders_api import new_members  # noqa: E402
from bench.processes import free_port  # noqa: E402
from core.clock import FixedClock  # noqa: E402
from core.orm import Base  # noqa: E402
from rewards.shops.models import ShopDelivery  # noqa: E402
from simulator.shop_signing import sign_shopify, sign_shopline, sign_woocommerce  # noqa: E402

TZ = ZoneInfo("Asia/Taipei")
SECRETS = {"SHOPIFY_WEBHOOK_SECRET": "bench-shopify", "SHOPIFY_SHOP_DOMAIN": "bench.myshopify.com",
           "WOOCOMMERCE_WEBHOOK_SECRET": "bench-woo", "WOOCOMMERCE_URL": "https://bench.example.com",
           "SHOPLINE_APP_SECRET": "bench-shopline"}
PLACED = "2026-11-20T05:00:00+00:00"


def build_app(database_url: str, mode: str):
    from app import create_app

    clock = FixedClock(datetime(2026, 11, 20, 14, 0, tzinfo=TZ))
    app = create_app({"BOT_ENV": "test", "DATABASE_URL": database_url, "INBOX_MODE": mode, "LOG_LEVEL": "WARNING",
                      "LINE_API_URL": "http://127.0.0.1:9", "LINE_API_DATA_URL": "http://127.0.0.1:9", **SECRETS},
                     clock=clock)
    Base.metadata.create_all(app.extensions["bot"].db.engine)
    return app


def shopify(order_id: str, code: str) -> tuple[str, bytes, dict]:
    body = json.dumps({"id": order_id, "name": f"#{order_id}", "currency": "TWD", "total_price": "1280.00",
                       "total_shipping_price_set": {"shop_money": {"amount": "80.00", "currency_code": "TWD"}},
                       "created_at": PLACED, "note_attributes": [{"name": "member_code", "value": code}],
                       "customer": {"id": 7000 + hash(code) % 1000}}).encode()
    return "/webhooks/shopify", body, {
        "X-Shopify-Topic": "orders/paid", "X-Shopify-Shop-Domain": "bench.myshopify.com",
        "X-Shopify-Webhook-Id": uuid.uuid4().hex, "X-Shopify-Hmac-Sha256": sign_shopify("bench-shopify", body)}


def woocommerce(order_id: str, code: str) -> tuple[str, bytes, dict]:
    body = json.dumps({"id": order_id, "number": order_id, "status": "completed", "currency": "TWD",
                       "total": "1280.00", "shipping_total": "80.00", "date_paid_gmt": PLACED[:19],
                       "customer_id": 0, "billing": {"phone": ""},
                       "meta_data": [{"id": 1, "key": "member_code", "value": code}], "refunds": []}).encode()
    return "/webhooks/woocommerce", body, {
        "X-WC-Webhook-Topic": "order.updated", "X-WC-Webhook-Source": "https://bench.example.com/",
        "X-WC-Webhook-Delivery-ID": uuid.uuid4().hex, "X-WC-Webhook-Signature": sign_woocommerce("bench-woo", body)}


def shopline(order_id: str, code: str) -> tuple[str, bytes, dict]:
    money = lambda n: {"cents": n * 100, "currency_iso": "TWD", "dollars": float(n)}  # noqa: E731
    payload = {"topic": "order/complete", "merchant_id": "bench", "resource": {
        "id": order_id, "order_number": order_id, "status": "completed", "total": money(1280),
        "delivery_fee": money(80), "created_at": PLACED,
        "custom_data": [{"field_id": "f1", "name": "member_code", "value": code}]}}
    body = json.dumps(payload).encode()
    sign = sign_shopline("bench-shopline", "1700000000", payload)
    return f"/webhooks/shopline?sign={sign}", body, {"X-Shopline-Developer-Event-Timestamp": "1700000000"}


PLATFORMS = {"shopify": shopify, "woocommerce": woocommerce, "shopline": shopline}


def api_rate(client, headers, members, count: int) -> float:
    run = uuid.uuid4().hex[:8]
    started = time.perf_counter()
    for i in range(count):
        answer = client.post("/api/v1/orders", headers=headers, json={
            "channel": "online", "order_id": f"A-{run}-{i}", "member_code": members[i % len(members)][1],
            "amount": 1200, "placed_at": PLACED})
        if answer.status_code != 201:
            raise SystemExit(f"the API answered {answer.status_code}: {answer.get_data(as_text=True)[:200]}")
    return count / (time.perf_counter() - started)


def delivery_rate(client, rt, platform: str, members, count: int) -> float:
    run = uuid.uuid4().hex[:8]
    deliveries = [PLATFORMS[platform](f"{run}{i}", members[i % len(members)][1]) for i in range(count)]
    started = time.perf_counter()
    for path, body, headers in deliveries:
        answer = client.post(path, data=body, headers={**headers, "Content-Type": "application/json"})
        if answer.status_code != 200:
            raise SystemExit(f"{platform} answered {answer.status_code}")
    rate = count / (time.perf_counter() - started)
    with rt.db.session() as s:
        credited = s.scalar(select(func.count()).select_from(ShopDelivery).where(
            ShopDelivery.platform == platform, ShopDelivery.outcome == "credited",
            ShopDelivery.delivery_id.in_([h.get("X-Shopify-Webhook-Id") or h.get("X-WC-Webhook-Delivery-ID") or ""
                                          for _p, _b, h in deliveries])))
    if platform != "shopline" and credited != count:
        raise SystemExit(f"{platform}: {credited} of {count} deliveries credited")
    return rate


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def parallel(database_url: str, members, platform: str, senders: int, each: int) -> tuple[float, float, float]:
    """(p50 ms, p99 ms, seconds until every delivery was processed) with `senders` at once."""
    app = build_app(database_url, "thread")
    rt = app.extensions["bot"]
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    run = uuid.uuid4().hex[:8]
    work = [[PLATFORMS[platform](f"P{run}{s}x{i}", members[(s * each + i) % len(members)][1]) for i in range(each)]
            for s in range(senders)]

    def send(batch):
        times = []
        with requests.Session() as session:
            for path, body, headers in batch:
                started = time.perf_counter()
                answer = session.post(f"http://127.0.0.1:{port}{path}", data=body,
                                      headers={**headers, "Content-Type": "application/json"}, timeout=30)
                times.append((time.perf_counter() - started) * 1000)
                if answer.status_code != 200:
                    raise SystemExit(f"{platform} answered {answer.status_code}")
        return times

    started = time.perf_counter()
    with ThreadPoolExecutor(senders) as pool:
        times = [t for batch in pool.map(send, work) for t in batch]
    total = senders * each
    while True:
        with rt.db.session() as s:
            left = s.scalar(select(func.count()).select_from(ShopDelivery).where(
                ShopDelivery.platform == platform, ShopDelivery.status.in_(("pending", "processing"))))
        if not left:
            break
        time.sleep(0.05)
    settled = time.perf_counter() - started
    server.shutdown()
    app.extensions["shop_worker"].shutdown()
    rt.db.dispose()
    return statistics.median(times), percentile(times, 99), settled if total else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--orders", type=int, default=300, help="orders (and deliveries per platform) timed")
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--senders", type=int, default=16)
    parser.add_argument("--parallel-deliveries", type=int, default=50, help="deliveries per sender")
    args = parser.parse_args()
    database_url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"

    app = build_app(database_url, "sync")
    rt = app.extensions["bot"]
    with rt.db.session() as s:
        _row, key = create_key(s, f"bench-{uuid.uuid4().hex[:8]}", rt.clock.now())
    client = app.test_client()
    headers = {"Authorization": f"Bearer {key}"}
    # each phase has members of its own, so none is timed against longer histories than another
    api_rate(client, headers, new_members(rt, args.members), 30)  # warm-up
    rates = {"api": api_rate(client, headers, new_members(rt, args.members), args.orders)}
    for platform in PLATFORMS:
        delivery_rate(client, rt, platform, new_members(rt, args.members), 30)  # warm-up
        rates[platform] = delivery_rate(client, rt, platform, new_members(rt, args.members), args.orders)
    rates["api (again)"] = api_rate(client, headers, new_members(rt, args.members), args.orders)
    members = new_members(rt, args.members)
    rt.db.dispose()
    api = (rates["api"] + rates["api (again)"]) / 2
    print(f"database: {rt.db.engine.dialect.name}")
    print(f"1. one at a time, recorded + answered + processed (INBOX_MODE=sync), {args.orders} each:")
    print(f"   POST /api/v1/orders            {api:8.1f} orders/s  (before {rates['api']:.1f}, after "
          f"{rates['api (again)']:.1f})")
    for platform in PLATFORMS:
        print(f"   POST /webhooks/{platform:<12}  {rates[platform]:8.1f} deliveries/s  "
              f"{rates[platform] / api:5.2f}× the API's rate  (target ≥ 0.80)")
    print(f"2. {args.senders} parallel senders × {args.parallel_deliveries} "
          f"deliveries, threaded server, INBOX_MODE=thread:")
    for platform in PLATFORMS:
        p50, p99, settled = parallel(database_url, members, platform, args.senders, args.parallel_deliveries)
        total = args.senders * args.parallel_deliveries
        print(f"   {platform:<12} answer p50 {p50:6.1f} ms, p99 {p99:6.1f} ms (target < 200); "
              f"all {total} processed in {settled:.1f} s ({total / settled:.0f}/s)")


if __name__ == "__main__":
    main()
