"""Operational metrics (Prometheus, through prometheus-client): small calls the hot paths make.

Web processes count webhook events and LINE calls in prometheus-client's metrics; with several
gunicorn workers, set PROMETHEUS_MULTIPROC_DIR (gunicorn.conf.py does) and the scrape adds them up.
The worker process also keeps its own tallies (`worker_tallies`), which it writes with its heartbeat
into the database, so its sweeps and LINE calls are counted wherever it runs.
"""
from __future__ import annotations

import threading
from collections import Counter as _Tally

from prometheus_client import Counter, Histogram

WEBHOOK_EVENTS = Counter("bot_webhook_events_total", "Webhook events by outcome: received (new in the inbox), "
                         "processed, failed", ["outcome"])
EVENT_SECONDS = Histogram("bot_event_processing_seconds", "Time to process one webhook event (claim to done)",
                          buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30))
LINE_CALLS = Counter("bot_line_api_calls_total", "Calls to the LINE Messaging API by endpoint and HTTP status "
                     "(status 'timeout' when LINE did not answer)", ["endpoint", "status"])
SHOP_DELIVERIES = Counter("bot_shop_webhook_deliveries_total", "Online shops' webhook deliveries by platform and "
                          "outcome: recorded, duplicate, refused (wrong or missing signature)", ["platform", "outcome"])

_lock = threading.Lock()
_tallies: _Tally = _Tally()


def _tally(key: str, n: int = 1) -> None:
    with _lock:
        _tallies[key] += n


def worker_tallies() -> dict[str, int]:
    """This process's counts since it started, keyed 'line:{endpoint}:{status}', 'sweep:{name}:{runs|failures}'."""
    with _lock:
        return dict(_tallies)


def events_received(n: int) -> None:
    if n:
        WEBHOOK_EVENTS.labels("received").inc(n)


def event_processed(seconds: float, failed: bool) -> None:
    EVENT_SECONDS.observe(seconds)
    WEBHOOK_EVENTS.labels("failed" if failed else "processed").inc()


def line_call(endpoint: str, status: int | str | None) -> None:
    status = "timeout" if status is None else str(status)
    LINE_CALLS.labels(endpoint, status).inc()
    _tally(f"line:{endpoint}:{status}")


def sweep_run(name: str, failed: bool) -> None:
    _tally(f"sweep:{name}:runs")
    if failed:
        _tally(f"sweep:{name}:failures")


def shop_delivery(platform: str, outcome: str) -> None:
    """A shop's webhook delivery: `recorded`, `duplicate` or `refused` (its signature did not match:
    nothing else of it is kept)."""
    SHOP_DELIVERIES.labels(platform, outcome).inc()
    _tally(f"shop:{platform}:{outcome}")


def shop_tallies(platform: str) -> dict[str, int]:
    with _lock:
        prefix = f"shop:{platform}:"
        return {key[len(prefix):]: n for key, n in _tallies.items() if key.startswith(prefix)}
