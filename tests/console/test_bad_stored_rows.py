"""An order time stored before times were checked (year 1, year 9999) takes down neither a page nor
a nightly sweep: the row is logged and left out, everyone else is served."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from rewards.models import Outbox
from worker.runner import run_due

from .people import add_member, add_order


def test_out_of_range_order_times_break_nothing(app, login_as):
    rt = app.extensions["bot"]
    now = rt.clock.now()
    with rt.db.session() as s:
        bad = add_member(s, now - timedelta(days=400))
        for placed in (datetime(9999, 12, 31, 23, tzinfo=timezone.utc), datetime(1, 1, 1, 1, tzinfo=timezone.utc),
                       now - timedelta(days=100)):
            add_order(s, bad, 1000, placed)
        good = add_member(s, now - timedelta(days=400))
        for days in (200, 150, 100):  # a regular, late: due a reminder
            add_order(s, good, 1000, now - timedelta(days=days))
        bad_code, good_id = bad.member_code, good.id
    results = {r.name: r for r in run_due(app, now)}
    assert results["dashboard-rollups"].ok and results["repurchase-reminders"].ok
    with rt.db.session() as s:
        assert s.scalar(select(Outbox.id).where(Outbox.member_id == good_id, Outbox.kind == "repurchase")) is not None
    viewer = login_as("viewer")
    assert viewer.get(f"/console/members/{bad_code}").status_code == 200
    assert viewer.get("/console/").status_code == 200
