"""The monthly limit and quiet hours as the broadcast pages tell them: "waiting for quota" instead of
"sent" while LINE's monthly limit holds its messages, a Resume button that sends them at once, and a
quiet-hours warning by the policy's own rule (at 09:04 nothing waits for quiet hours that ended at 09:00)."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import select

from messaging import broadcasts as bc
from messaging import sending_state
from messaging.models import Broadcast
from rewards.models import AuditLog
from worker.runner import run_due

from .test_broadcasts import audience, make_broadcast  # noqa: F401  (the fixture)

SENDS = r"/v2/bot/message/(push|multicast)"


def test_waiting_for_quota_then_resume(app, login_as, audience, line, clock):  # noqa: F811
    people, segment_id = audience
    marketer = login_as("marketer")
    bid = make_broadcast(marketer, segment_id)
    line.faults.monthly_limit(SENDS, count=1)
    marketer.post(f"/console/broadcasts/{bid}", {"what": "send_now"})
    run_due(app, clock.now())
    page = marketer.get(f"/console/broadcasts/{bid}").get_data(as_text=True)
    assert "waiting for quota" in page and "已送出 sent to outbox" not in page.split("</h1>")[0]
    assert "waiting for quota" in marketer.get("/console/broadcasts").get_data(as_text=True)
    assert 'id="resume-sending"' in page and "every 5 minutes" in page
    assert line.delivered(people["wang"][1]) == []

    response = marketer.post("/console/sending/resume", headers={"Referer": f"/console/broadcasts/{bid}"})
    assert response.status_code == 302
    with app.extensions["bot"].db.session() as s:
        assert sending_state.monthly_limit_reached_at(s) is None
        assert s.scalar(select(AuditLog.action).where(AuditLog.action == "sending.resume")) is not None
    run_due(app, clock.now())
    assert len(line.delivered(people["wang"][1])) == 1
    page = marketer.get(f"/console/broadcasts/{bid}").get_data(as_text=True)
    assert "waiting for quota" not in page and "已送出 sent to outbox" in page


def test_a_viewer_cannot_resume(app, login_as):
    viewer = login_as("viewer")
    assert viewer.post("/console/sending/resume").status_code == 403


def test_no_quiet_hours_warning_after_they_end(app, login_as, audience, clock):  # noqa: F811
    _, segment_id = audience
    tz = clock.now().tzinfo
    clock.set(datetime(2026, 12, 8, 9, 4, tzinfo=tz))
    marketer = login_as("marketer")
    bid = make_broadcast(marketer, segment_id)
    rt = app.extensions["bot"]
    with rt.db.session() as s:  # scheduled for 09:00, seen at 09:04 before the sweep took it
        b = s.get(Broadcast, bid)
        b.status, b.scheduled_at = "scheduled", datetime(2026, 12, 8, 9, 0, tzinfo=tz)
    page = marketer.get(f"/console/broadcasts/{bid}").get_data(as_text=True)
    assert 'id="goes-out-at"' not in page and "Quiet hours" not in page
    with rt.db.session() as s:
        b = s.get(Broadcast, bid)
        assert bc.quiet_until(b, clock.now(), rt.settings) is None
        b.scheduled_at = datetime(2026, 12, 8, 8, 30, tzinfo=tz)
        assert bc.quiet_until(b, datetime(2026, 12, 8, 8, 40, tzinfo=tz), rt.settings) == \
            datetime(2026, 12, 8, 9, 0, tzinfo=tz)
        b.status = "draft"
    # Send now at 09:04, the clock moving on while it is saved: "sending now", no quiet hours
    response = marketer.post(f"/console/broadcasts/{bid}", {"what": "send_now"}, follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "Sending now" in text and "Quiet hours" not in text
    clock.set(datetime(2026, 12, 8, 22, 0, tzinfo=tz))
    marketer = login_as("marketer")
    other = make_broadcast(marketer, segment_id)
    text = marketer.post(f"/console/broadcasts/{other}", {"what": "send_now"}, follow_redirects=True).get_data(as_text=True)
    assert re.search(r"Quiet hours: the messages go out at 2026-12-09 09:00", text)


def test_a_refused_action_is_told_in_both_languages_without_field_codes(app, login_as, audience, clock):  # noqa: F811
    _, segment_id = audience
    marketer = login_as("marketer")
    bid = make_broadcast(marketer, segment_id)
    past = (clock.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    text = marketer.post(f"/console/broadcasts/{bid}", {"what": "schedule", "scheduled_at": past},
                         follow_redirects=True).get_data(as_text=True)
    told = text.split("未完成 Not done:")[1].split("<")[0]
    assert told.strip() == "排程時間已經過去了。The time to send it is in the past."  # no field code
