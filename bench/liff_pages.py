"""Server time and weight of the member pages inside LINE (LIFF): each page's shell, CSS and script,
and each JSON endpoint, for a member with a full wallet and history.

    python bench/liff_pages.py [--database-url URL] [--requests N]

Seeds one member (50 ledger rows, 30 coupons, an e-invoice carrier) in a temporary SQLite file (or
the given database, which must be empty), then times N requests of each (the Flask app in process,
through its test client: the server's own time, no network). The endpoints are called with a
session token (what the page uses after its first call); making the session asks LINE's verify
endpoint once, timed separately against the simulator. Reports the median and 95th percentile in
ms, the SQL statements each answer ran, and the bytes each page loads (the LIFF SDK aside).
"""
from __future__ import annotations

import argparse
import secrets
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event  # noqa: E402

import models_registry  # noqa: E402,F401
from app import create_app  # noqa: E402
from bot import liff_auth  # noqa: E402
from core.migrate import upgrade  # noqa: E402
from rewards import coupons, ledger, membership  # noqa: E402
from simulator.testing import running_simulator  # noqa: E402

# A new member each run, so a given database can be measured again (its earlier members stay).
UID = "U" + secrets.token_hex(16)
PAGES = ("/liff/", "/liff/wallet", "/liff/history", "/liff/profile", "/liff/stores")
ENDPOINTS = ("card", "wallet", "history", "profile", "stores")


def seed(rt) -> None:
    now = rt.clock.now()
    with rt.db.session() as s:
        member = membership.get_or_create(s, UID, now)
        membership.join(s, member, now, display_name="林美華")
        member.einvoice_carrier = "/ABC+123"
        for n in range(50):
            ledger.credit(s, member, 10 + n, "adjust", "adjust", {"reason": "bench"}, f"bench:{UID}:{n}",
                          now - timedelta(days=n), rt.settings)
        for n in range(30):
            coupon = coupons.issue(s, member, "campaign", 50, now + timedelta(days=n - 10), now - timedelta(days=40),
                                   ("週年慶", "Anniversary"), uniqueness_key=f"bench:{UID}:{n}")
            if n % 3 == 0:
                coupon.redeemed_at = now - timedelta(days=1)


def timed(call, n: int) -> list[float]:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    url = args.database_url or "sqlite:///" + tempfile.mkdtemp() + "/liff.db"
    with running_simulator() as sim:
        app = create_app({"BOT_ENV": "test", "DATABASE_URL": url, "LINE_API_URL": sim.url, "LINE_API_DATA_URL": sim.url,
                          "INBOX_MODE": "off", "LIFF_ID": "1000000000-bench", "LIFF_SDK_URL": sim.url + "/__sim/liff/sdk.js"})
        rt = app.extensions["bot"]
        upgrade(url)
        seed(rt)
        client = app.test_client()
        statements = []
        event.listen(rt.db.engine, "before_cursor_execute", lambda *a: statements.append(1))
        print(f"{args.requests} requests each, database {url.split(':')[0]}; median / p95 ms; statements; bytes")
        id_token = sim.platform.liff.issue(UID, rt.config.LIFF_CHANNEL_ID)
        made = timed(lambda: client.post("/liff/api/session", headers={"Authorization": "Bearer " + id_token}), 20)
        print(f"  POST /liff/api/session (asks the simulator's verify endpoint): {statistics.median(made):.1f} / "
              f"{sorted(made)[int(len(made) * .95) - 1]:.1f}")
        session = liff_auth.make_session(rt.config.SECRET_KEY, UID, rt.clock.now(), 15).token
        auth = {"Authorization": "Bearer " + session}
        static = sum(len(client.get(p).data) for p in ("/liff/static/liff.css", "/liff/static/liff.js"))
        for page, endpoint in zip(PAGES, ENDPOINTS):
            shell = len(client.get(page).data)
            body = len(client.get(f"/liff/api/{endpoint}", headers=auth).data)
            page_ms = timed(lambda: client.get(page), args.requests)
            statements.clear()
            client.get(f"/liff/api/{endpoint}", headers=auth)
            count = len(statements)
            api_ms = timed(lambda: client.get(f"/liff/api/{endpoint}", headers=auth), args.requests)
            print(f"  {page:<15} shell {statistics.median(page_ms):5.1f} / {sorted(page_ms)[int(len(page_ms) * .95) - 1]:5.1f}"
                  f"   /liff/api/{endpoint:<8} {statistics.median(api_ms):5.1f} / {sorted(api_ms)[int(len(api_ms) * .95) - 1]:5.1f}"
                  f"   {count} statements   page weight {shell + static + body:,} B (shell {shell:,}, css+js {static:,}, json {body:,})")
        app.extensions["inbox_worker"].shutdown()
        rt.db.dispose()


if __name__ == "__main__":
    main()
