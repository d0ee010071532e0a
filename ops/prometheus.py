"""GET /metrics for Prometheus (prometheus-client's exposition, not hand-written text).

* counters of this process, or of every gunicorn worker when PROMETHEUS_MULTIPROC_DIR is set
  (prometheus-client's multiprocess mode; gunicorn.conf.py sets it up);
* read from the database at scrape time: outbox rows by state, the oldest due pending row's age, the
  worker's sweep runs and failures, its LINE calls and this month's LINE quota used (from its heartbeat).

Protected by METRICS_TOKEN ("Authorization: Bearer ..."); without a token set it is not served at all
(then `flask --app app metrics serve --port N` serves it on a separate, private bind).
"""
from __future__ import annotations

import hmac

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from ops import status


class DatabaseCollector:
    """Figures read from the database when Prometheus scrapes."""

    def __init__(self, rt):
        self.rt = rt

    def collect(self):
        rt = self.rt
        now = rt.clock.now()
        up = GaugeMetricFamily("bot_database_up", "1 when the database answered this scrape")
        try:
            with rt.db.session() as session:
                counts = status.outbox_by_status(session)
                oldest = status.oldest_pending_seconds(session, now)
                worker = status.worker_status(session, now)
                beats = status.worker_stats(session, now)
                beats = [(b.worker_id, dict(b.stats or {})) for b in beats]
        except Exception:  # noqa: BLE001 - the scrape still says the database is down
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        rows = GaugeMetricFamily("bot_outbox_rows", "Outbox rows by state", labels=["state"])
        for state in ("pending", "sending", "sent", "failed", "skipped", "cancelled"):
            rows.add_metric([state], counts.get(state, 0))
        yield rows
        yield GaugeMetricFamily("bot_outbox_oldest_pending_seconds",
                                "Age of the oldest due pending outbox row (0 when none waits)", value=oldest)
        yield GaugeMetricFamily("bot_worker_heartbeat_age_seconds", "Seconds since the worker's last heartbeat "
                                "(-1: never)", value=-1 if worker.seconds_ago is None else worker.seconds_ago)
        runs = CounterMetricFamily("bot_sweep_runs", "Worker job and sweep runs since the worker started",
                                   labels=["sweep", "worker"])
        failures = CounterMetricFamily("bot_sweep_failures", "Worker job and sweep failures since the worker "
                                       "started", labels=["sweep", "worker"])
        calls = CounterMetricFamily("bot_worker_line_api_calls", "LINE Messaging API calls made by the worker",
                                    labels=["endpoint", "status", "worker"])
        quota = GaugeMetricFamily("bot_line_quota_used", "Messages counted against this month's LINE quota "
                                  "(as the worker last read it)")
        quota_seen = None
        for worker_id, stats in beats:
            tallies = stats.get("tallies") or {}
            for key, n in tallies.items():
                kind, _, rest = key.partition(":")
                if kind == "sweep":
                    name, _, what = rest.rpartition(":")
                    (runs if what == "runs" else failures).add_metric([name, worker_id], n)
                elif kind == "line":
                    endpoint, _, code = rest.rpartition(":")
                    calls.add_metric([endpoint, code, worker_id], n)
            if stats.get("quota_used") is not None:
                quota_seen = stats["quota_used"]
        yield runs
        yield failures
        yield calls
        if quota_seen is not None:
            quota.add_metric([], quota_seen)
            yield quota


def exposition(rt) -> bytes:
    """The text Prometheus scrapes: this process's (or all workers') metrics and the database's figures."""
    registry = CollectorRegistry()
    if rt.config.PROMETHEUS_MULTIPROC_DIR:
        multiprocess.MultiProcessCollector(registry)
        body = generate_latest(registry)
    else:
        body = generate_latest(REGISTRY)
    db_registry = CollectorRegistry()
    db_registry.register(DatabaseCollector(rt))
    return body + generate_latest(db_registry)


def token_ok(header: str | None, token: str) -> bool:
    if not token or not header or not header.startswith("Bearer "):
        return False
    return hmac.compare_digest(header[len("Bearer "):].strip().encode(), token.encode())


CONTENT_TYPE = CONTENT_TYPE_LATEST
