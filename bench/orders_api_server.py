"""The shops' API under gunicorn: `POST /api/v1/orders`, orders/s and p99, against its floor,
`GET /healthz` on the same server with the same clients in the same run.

    python bench/orders_api_server.py [--database-url URL] [--clients 16] [--seconds 10] [--runs 3]
                                      [--workers 2] [--threads 4] [--members 2000]

The app runs under gunicorn in its own process, as the Procfile's `web` runs it (2 workers of 4
threads unless told otherwise); the clients are threads of this process (one keep-alive HTTP
connection each), never in the server's. Each run drives the floor for --seconds, then the orders
(every request a new order of a random member) for --seconds. Prints each run's rates and p99s,
min/median over the runs and the ratio orders/s ÷ healthz/s (target >= 0.4, p99 < 100 ms).
Without --database-url a temporary SQLite file is used; a given database is emptied first (all
tables dropped and created).
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
from bench.processes import free_port  # noqa: E402
from sqlalchemy import insert  # noqa: E402

import models_registry  # noqa: E402,F401
from api.keys import create_key  # noqa: E402
from app import create_app  # noqa: E402
from core.orm import Base  # noqa: E402
from rewards.models import Member  # noqa: E402


def seed(url: str, members: int, env: dict) -> tuple[list[str], str]:
    app = create_app({k: v for k, v in env.items() if k != "PROMETHEUS_MULTIPROC_DIR"})
    rt = app.extensions["bot"]
    Base.metadata.drop_all(rt.db.engine)
    Base.metadata.create_all(rt.db.engine)
    now = rt.clock.now()
    joined = now - timedelta(days=400)
    codes = [f"G{n:09d}" for n in range(members)]
    with rt.db.session() as s:
        s.execute(insert(Member), [dict(member_code=code, line_user_id=f"U{n:032x}", display_name=f"會員{n}",
                                        language="zh-TW", status="member", tier="member", tier_since=joined,
                                        balance=0, tags=[], created_at=joined, joined_at=joined)
                                   for n, code in enumerate(codes)])
        _row, key = create_key(s, "bench-pos", now)
    rt.db.dispose()
    return codes, key


def start_server(env: dict, port: int, workers: int, threads: int, log: Path) -> subprocess.Popen:
    with log.open("wb") as out:  # a file, not a pipe nobody reads (a full pipe would stall the server)
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--threads", str(threads),
             "--bind", f"127.0.0.1:{port}", "app:app"], cwd=ROOT, env={**os.environ, **env},
            stdout=subprocess.DEVNULL, stderr=out)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise SystemExit("gunicorn stopped: " + log.read_text(errors="replace")[-2000:])
            try:
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10).status_code == 200:
                    return server
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise SystemExit("gunicorn did not answer /healthz within 60 s")
    except BaseException:
        server.terminate()
        server.wait(timeout=30)
        raise


def drive(clients: int, seconds: float, request) -> tuple[float, list[float], list[str]]:
    """`request(session, client, n)` from `clients` threads for `seconds`: (rate, latencies, errors)."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors: list[str] = []
    start_gate = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def client(index: int) -> None:
        http = requests.Session()
        request(http, index, -1)  # open the keep-alive connection before the clock starts
        start_gate.wait()
        n = 0
        while time.perf_counter() < stop_at[0]:
            t0 = time.perf_counter()
            problem = request(http, index, n)
            latencies[index].append(time.perf_counter() - t0)
            if problem:
                errors.append(problem)
            n += 1

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    stop_at[0] = time.perf_counter() + seconds
    start_gate.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    took = time.perf_counter() - began
    done = [x for each in latencies for x in each]
    return len(done) / took, done, errors


def p99(latencies: list[float]) -> float:
    return statistics.quantiles(latencies, n=100)[98] if len(latencies) > 1 else float("nan")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--members", type=int, default=2000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        env = {"BOT_ENV": "development", "DATABASE_URL": url, "INBOX_MODE": "off", "SECRET_KEY": "b" * 40,
               "INSTANCE_PATH": f"{tmp}/instance", "CONTENT_LIBRARY_DIR": f"{tmp}/no-library",
               "LOG_LEVEL": "WARNING", "LINE_API_URL": "http://127.0.0.1:9", "LINE_API_DATA_URL": "http://127.0.0.1:9",
               "PROMETHEUS_MULTIPROC_DIR": f"{tmp}/prometheus"}
        codes, key = seed(url, args.members, env)
        port = free_port()
        server = start_server(env, port, args.workers, args.threads, Path(tmp) / "gunicorn.log")
        base = f"http://127.0.0.1:{port}"
        headers = {"Authorization": f"Bearer {key}"}
        try:
            def health(http, _client, _n):
                r = http.get(base + "/healthz", timeout=30)
                return None if r.status_code == 200 else f"healthz {r.status_code}"

            def order(http, client, n):  # a new order id in every run (tag), of a random member
                rng = random.Random(f"{tag}{client}{n}")
                placed = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(time.time() - 3600))
                body = {"channel": "store", "order_id": f"{tag}-{client}-{n}", "member_code": rng.choice(codes),
                        "amount": 100 + rng.randrange(4900), "placed_at": placed, "store_id": "S01",
                        "items": [{"sku": "TEA-01", "name": "烏龍茶", "category": "tea", "quantity": 1, "price": 480}]}
                r = http.post(base + "/api/v1/orders", json=body, headers=headers, timeout=30)
                return None if r.status_code == 201 else f"order {r.status_code}: {r.text[:200]}"

            floors, orders, ratios = [], [], []
            for run in range(1, args.runs + 1):
                tag = uuid.uuid4().hex[:8]
                f_rate, f_lat, f_err = drive(args.clients, args.seconds, health)
                o_rate, o_lat, o_err = drive(args.clients, args.seconds, order)
                if f_err or o_err:
                    print(f"errors: {(f_err + o_err)[:3]} ({len(f_err) + len(o_err)} in all)")
                    return 1
                floors.append((f_rate, p99(f_lat)))
                orders.append((o_rate, p99(o_lat)))
                ratios.append(o_rate / f_rate)
                print(f"run {run}: healthz {f_rate:,.0f}/s p99 {p99(f_lat) * 1000:.0f} ms; "
                      f"orders {o_rate:,.0f}/s p99 {p99(o_lat) * 1000:.0f} ms; ratio {o_rate / f_rate:.2f}x")
        finally:
            server.terminate()
            server.wait(timeout=30)
        name = "postgresql" if url.startswith("postgres") else "sqlite"
        print(f"database: {name}; gunicorn {args.workers} workers x {args.threads} threads; {args.clients} clients; "
              f"{args.runs} runs of {args.seconds:.0f} s each (min / median)")
        for label, rows in (("GET /healthz", floors), ("POST /api/v1/orders", orders)):
            rates, p99s = [r for r, _ in rows], [p * 1000 for _, p in rows]
            print(f"{label:20s} {min(rates):,.0f} / {statistics.median(rates):,.0f} per s; "
                  f"p99 {min(p99s):.0f} / {statistics.median(p99s):.0f} ms")
        print(f"ratio vs floor: {min(ratios):.2f} / {statistics.median(ratios):.2f}x (target >= 0.4, p99 < 100 ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
