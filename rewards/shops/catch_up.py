"""Catch-up sweeps: what the webhooks missed, read from the platform's own order listing.

WooCommerce: `GET {site}/wp-json/wc/v3/orders?modified_after=<UTC>&dates_are_gmt=true&orderby=modified
&order=asc&per_page=100&page=N`, authenticated with the REST API's consumer key and secret (HTTP
Basic, as WooCommerce takes them over https); `X-WP-TotalPages` says how many pages there are.
Each order goes the webhooks' way (`woocommerce.events_of_order`, then `deliveries.apply`), so an
order seen by both is credited once. The sweep remembers the latest `date_modified_gmt` it read
(`shop_sweeps`), going back OVERLAP each run so that an order modified during a run is not missed.
"""
from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

from sqlalchemy.orm import Session

from core.bulk import insert_new

from .models import ShopSweep

OVERLAP = timedelta(minutes=5)
FIRST_LOOK_BACK = timedelta(days=3)
MAX_PAGES = 50


class SweepError(RuntimeError):
    """The platform could not be read (down, refused the key, answered something else)."""


@dataclass(frozen=True)
class Page:
    orders: list[dict]
    pages: int


def state(session: Session, platform: str) -> ShopSweep | None:
    return session.get(ShopSweep, platform)


def since(session: Session, platform: str, now: datetime) -> datetime:
    row = state(session, platform)
    start = row.modified_after if row is not None and row.modified_after else now - FIRST_LOOK_BACK
    return start - OVERLAP if row is not None and row.modified_after else start


def save(session: Session, platform: str, now: datetime, modified_after: datetime | None, result: str | None,
         error: str | None) -> None:
    insert_new(session, ShopSweep.__table__, [{"platform": platform}])
    row = session.get(ShopSweep, platform)
    row.last_run_at = now
    if modified_after is not None and (row.modified_after is None or modified_after > row.modified_after):
        row.modified_after = modified_after
    row.last_result = (result or "")[:200] or row.last_result
    row.last_error = error[:500] if error else None
    session.flush()


def _get(url: str, headers: dict[str, str], timeout: float) -> tuple[Any, dict[str, str]]:
    request = urllib.request.Request(url, headers={"Accept": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310 - the shop's own address
            return json.loads(answer.read().decode("utf-8")), {k.lower(): v for k, v in answer.headers.items()}
    except urllib.error.HTTPError as exc:
        raise SweepError(f"{urllib.parse.urlsplit(url).netloc} answered {exc.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise SweepError(f"{urllib.parse.urlsplit(url).netloc} could not be reached: {exc.__class__.__name__}") from None
    except ValueError:
        raise SweepError("the answer is not JSON") from None


def woocommerce_page(site: str, key: str, secret: str, modified_after: datetime, page: int,
                     timeout: float) -> Page:
    query = urllib.parse.urlencode({
        "modified_after": modified_after.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S"),
        "dates_are_gmt": "true", "orderby": "modified", "order": "asc", "per_page": 100, "page": page})
    auth = base64.b64encode(f"{key}:{secret}".encode()).decode()
    body, headers = _get(f"{site.rstrip('/')}/wp-json/wc/v3/orders?{query}", {"Authorization": f"Basic {auth}"},
                         timeout)
    if not isinstance(body, list):
        raise SweepError("the order listing is not a JSON array")
    try:
        pages = int(headers.get("x-wp-totalpages", "1"))
    except ValueError:
        pages = 1
    return Page([o for o in body if isinstance(o, dict)], pages)


def modified_of(order: dict, name: str = "date_modified_gmt") -> datetime | None:
    value = order.get(name)
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def sweep(run: Callable[[Callable[[Session], Any]], Any], platform: str, now: datetime,
          fetch: Callable[[datetime, int], Page], handle: Callable[[Session, dict], str],
          modified: Callable[[dict], datetime | None]) -> str:
    """Read every page modified since the last run and hand each order to `handle` (a unit of work
    per page, through `run`); record how far it got and how it went. Returns a one-line summary."""
    start = run(lambda s: since(s, platform, now))
    seen = codes = 0
    latest: datetime | None = None
    tally: dict[str, int] = {}
    try:
        page = 1
        while page <= MAX_PAGES:
            got = fetch(start, page)

            def work(session, orders=got.orders):
                return [handle(session, order) for order in orders]
            for code in run(work):
                tally[code] = tally.get(code, 0) + 1
            seen += len(got.orders)
            stamps = [m for m in (modified(o) for o in got.orders) if m is not None]
            if stamps:
                latest = max([latest, *stamps]) if latest else max(stamps)
            if page >= got.pages:
                break
            page += 1
    except SweepError as exc:
        error = str(exc)
        summary = f"read {seen} orders, then: {error}"
        run(lambda s: save(s, platform, now, latest, summary, error))
        return summary
    codes = ", ".join(f"{n} {code}" for code, n in sorted(tally.items()))
    summary = f"read {seen} orders" + (f" ({codes})" if codes else "")
    run(lambda s: save(s, platform, now, latest, summary, None))
    return summary


def shopline_page(api_url: str, token: str, updated_after: datetime, page: int, timeout: float) -> Page:
    """SHOPLINE Open API's order listing: `GET /v1/orders?updated_after=...&page=N&per_page=50`
    with the merchant's Bearer token; `{"items": [...], "pagination": {"total_pages": N}}`."""
    query = urllib.parse.urlencode({"updated_after": updated_after.astimezone(timezone.utc).isoformat(timespec="seconds"),
                                    "page": page, "per_page": 50})
    body, _headers = _get(f"{api_url.rstrip('/')}/v1/orders?{query}", {"Authorization": f"Bearer {token}"}, timeout)
    if not isinstance(body, dict) or not isinstance(body.get("items"), list):
        raise SweepError("the order listing has no items")
    pagination = body.get("pagination") if isinstance(body.get("pagination"), dict) else {}
    pages = pagination.get("total_pages") if isinstance(pagination.get("total_pages"), int) else 1
    return Page([o for o in body["items"] if isinstance(o, dict)], pages)
