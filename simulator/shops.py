"""Fake online shop platforms, each in a process of its own, speaking their real protocols:

* WooCommerce's REST API order listing: `GET /wp-json/wc/v3/orders` (HTTP Basic with the consumer
  key and secret; `modified_after`, `dates_are_gmt`, `page`, `per_page`; `X-WP-Total` and
  `X-WP-TotalPages` headers; WooCommerce's 401 error body for a wrong key);
* SHOPLINE Open API's order listing: `GET /v1/orders` (Bearer access token; `updated_after`,
  `page`, `per_page`; `{"items": [...], "pagination": {"current_page", "total_pages", ...}}`).

Orders are put in through `POST /__sim/orders` (an order as the platform writes it); what was asked
is at `GET /__sim/requests`. It imports nothing of the bot.

    python -m simulator.shops --platform woocommerce --port 8090 --key ck_x --secret cs_y
"""
from __future__ import annotations

import argparse
import base64
import json
import math
import sys
import threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


def _instant(text: str | None) -> datetime | None:
    if not text:
        return None
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class ShopState:
    def __init__(self, platform: str, key: str, secret: str):
        self.platform, self.key, self.secret = platform, key, secret
        self.orders: dict[str, dict] = {}
        self.requests: list[dict] = []
        self.lock = threading.Lock()

    def put(self, order: dict) -> None:
        now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
        with self.lock:
            if self.platform == "woocommerce":
                order.setdefault("date_modified_gmt", now)
            else:
                order.setdefault("updated_at", now + "+00:00")
            self.orders[str(order["id"])] = order

    def listing(self, since: datetime | None, stamp: str) -> list[dict]:
        with self.lock:
            found = [o for o in self.orders.values() if since is None or _instant(o.get(stamp)) > since]
        return sorted(found, key=lambda o: (_instant(o.get(stamp)), str(o["id"])))


def handler_for(state: ShopState):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def _send(self, status: int, body, headers: dict | None = None):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            if urlsplit(self.path).path != "/__sim/orders":
                return self._send(404, {"code": "rest_no_route"})
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"[]")
            for order in body if isinstance(body, list) else [body]:
                state.put(order)
            return self._send(200, {"orders": len(state.orders)})

        def do_GET(self):
            parts = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            if parts.path == "/__sim/requests":
                return self._send(200, state.requests)
            state.requests.append({"path": parts.path, "query": query})
            if state.platform == "woocommerce" and parts.path == "/wp-json/wc/v3/orders":
                return self._woocommerce(query)
            if state.platform == "shopline" and parts.path == "/v1/orders":
                return self._shopline(query)
            return self._send(404, {"code": "rest_no_route", "message": "No route was found", "data": {"status": 404}})

        def _woocommerce(self, query):
            expected = "Basic " + base64.b64encode(f"{state.key}:{state.secret}".encode()).decode()
            if self.headers.get("Authorization") != expected:
                return self._send(401, {"code": "woocommerce_rest_cannot_view",
                                        "message": "Sorry, you cannot list resources.", "data": {"status": 401}})
            since = _instant(query.get("modified_after"))
            if since is not None and query.get("dates_are_gmt") != "true" and "+" not in query["modified_after"]:
                since = since.replace(tzinfo=timezone.utc)  # (a site in UTC)
            per_page, page = int(query.get("per_page", 10)), int(query.get("page", 1))
            found = state.listing(since, "date_modified_gmt")
            pages = max(math.ceil(len(found) / per_page), 1)
            return self._send(200, found[(page - 1) * per_page:page * per_page],
                              {"X-WP-Total": str(len(found)), "X-WP-TotalPages": str(pages)})

        def _shopline(self, query):
            if self.headers.get("Authorization") != f"Bearer {state.key}":
                return self._send(401, {"error": "Unauthorized", "code": "UNAUTHORIZED"})
            per_page, page = int(query.get("per_page", 24)), int(query.get("page", 1))
            found = state.listing(_instant(query.get("updated_after")), "updated_at")
            pages = max(math.ceil(len(found) / per_page), 1)
            return self._send(200, {"items": found[(page - 1) * per_page:page * per_page],
                                    "pagination": {"current_page": page, "per_page": per_page,
                                                   "total_count": len(found), "total_pages": pages}})
    return Handler


def send_main(argv) -> None:
    """`python -m simulator.shops send ...`: one signed webhook to a bot (simulator/shop_sender.py)."""
    from .shop_sender import BUILDERS, KINDS, send

    parser = argparse.ArgumentParser(prog="python -m simulator.shops send", description="Send a shop's signed webhook.")
    parser.add_argument("--platform", choices=tuple(BUILDERS), required=True)
    parser.add_argument("--kind", choices=KINDS, default="order")
    parser.add_argument("--bot-url", default="http://127.0.0.1:5000")
    parser.add_argument("--secret", required=True, help="the webhook secret the bot is set with")
    parser.add_argument("--order-id", required=True)
    parser.add_argument("--amount", default="1280.00", help="NT$, a decimal string")
    parser.add_argument("--member-code")
    parser.add_argument("--customer-id")
    parser.add_argument("--phone")
    parser.add_argument("--shop", default="demo.myshopify.com")
    args = parser.parse_args(argv)
    answer = send(args.platform, args.kind, args.bot_url, args.secret, args.order_id, args.amount, args.member_code,
                  args.customer_id, args.phone, args.shop)
    print(f"{args.platform} {args.kind} {args.order_id}: the bot answered {answer.status_code}")


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["send"]:
        return send_main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m simulator.shops", description="A fake shop platform's API.")
    parser.add_argument("--platform", choices=("woocommerce", "shopline"), required=True)
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--key", required=True, help="WooCommerce's consumer key, or SHOPLINE's access token")
    parser.add_argument("--secret", default="", help="WooCommerce's consumer secret")
    args = parser.parse_args(argv)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), handler_for(ShopState(args.platform, args.key, args.secret)))
    server.serve_forever()


if __name__ == "__main__":
    main()
