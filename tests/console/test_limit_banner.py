"""When LINE's monthly limit stops sending, the dashboard and broadcasts pages say so."""
from __future__ import annotations

from messaging import sending_state


def test_the_monthly_limit_shows_on_the_dashboard_and_broadcasts_pages(app, login_as):
    rt = app.extensions["bot"]
    viewer = login_as("viewer")
    assert 'id="monthly-limit-banner"' not in viewer.get("/console/").get_data(as_text=True)
    with rt.db.session() as s:
        sending_state.record_monthly_limit(s, rt.clock.now(), "You have reached your monthly limit.")
    for path in ("/console/", "/console/broadcasts"):
        page = viewer.get(path)
        assert page.status_code == 200 and 'id="monthly-limit-banner"' in page.get_data(as_text=True), path
    with rt.db.session() as s:
        sending_state.clear_monthly_limit(s, rt.clock.now())
    assert 'id="monthly-limit-banner"' not in viewer.get("/console/broadcasts").get_data(as_text=True)
