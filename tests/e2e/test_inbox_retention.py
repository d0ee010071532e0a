"""Finished webhook events are deleted after the retention period; unfinished ones never."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.models import InboxEvent
from worker.runner import run_due


def _event(n, status, processed_at, received_at):
    return InboxEvent(webhook_event_id=f"EV{n}", event_type="message", user_key="U" + "9" * 32, payload=None,
                      status=status, received_at=received_at, processed_at=processed_at, attempts=1)


def test_old_finished_events_go_and_the_rest_stay(app):
    rt = app.extensions["bot"]
    now = rt.clock.now()
    old, recent = now - timedelta(days=31), now - timedelta(days=29)
    with rt.db.session() as s:
        s.add_all([_event(1, "done", old, old), _event(2, "failed", old, old), _event(3, "ignored", old, old),
                   _event(4, "done", recent, recent), _event(5, "pending", None, old),
                   _event(6, "processing", None, old)])
    results = {r.name: r for r in run_due(app, now)}
    assert results["inbox-retention"].ok and "3" in results["inbox-retention"].summary
    with rt.db.session() as s:
        assert sorted(s.scalars(select(InboxEvent.webhook_event_id))) == ["EV4", "EV5", "EV6"]


def test_the_retention_is_configurable(database_url, simulator_server, line, clock):
    from tests.conftest import make_app

    app = make_app(database_url, simulator_server.url, clock, INBOX_RETENTION_DAYS=7)
    try:
        rt = app.extensions["bot"]
        now = rt.clock.now()
        with rt.db.session() as s:
            s.add(_event(1, "done", now - timedelta(days=8), now - timedelta(days=8)))
        run_due(app, now)
        with rt.db.session() as s:
            assert s.scalar(select(InboxEvent.id)) is None
    finally:
        app.extensions["inbox_worker"].shutdown()
        rt.db.dispose()
