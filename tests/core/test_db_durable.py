"""A unit of work that need not wait for the disk (`durable=False`): on PostgreSQL its commit returns
before it reaches the disk; everything else waits as before. SQLite's commits wait for no disk in WAL
mode with synchronous=NORMAL, on either."""
from __future__ import annotations

from datetime import datetime, timezone

from bot import inbox
from core.models import InboxEvent


def _setting(conn) -> str:
    sql = "SHOW synchronous_commit" if conn.dialect.name == "postgresql" else "PRAGMA synchronous"
    return str(conn.exec_driver_sql(sql).scalar())


def test_only_the_units_that_say_so_skip_the_wait_for_the_disk(db):
    with db.connection(autocommit=True, durable=False) as conn:
        lazy = _setting(conn)
    with db.connection(autocommit=True) as conn:
        durable = _setting(conn)
    with db.session() as session:
        sessions = _setting(session.connection())
    if db.is_postgres:
        assert (lazy, durable, sessions) == ("off", "on", "on")
    else:
        assert lazy == durable == sessions == "1"  # NORMAL
    # what a lazy unit writes is there for the others at once
    now = datetime(2026, 11, 20, 6, 0, tzinfo=timezone.utc)
    event = {"type": "follow", "webhookEventId": "lazy-1", "source": {"type": "user", "userId": "U" + "4" * 32}}
    [row_id] = db.run(lambda conn: inbox.record(conn, [event], now), core=True, autocommit=True, durable=False)
    with db.session() as session:
        assert session.get(InboxEvent, row_id).webhook_event_id == "lazy-1"
