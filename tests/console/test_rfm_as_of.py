"""RFM before the nightly job ever ran: computed when first needed, and every page says as of when."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from insights import rfm
from insights.models import RfmScore

from .people import add_member, add_order


def buyers(app, clock, n=3):
    rt = app.extensions["bot"]
    now = clock.now()
    with rt.db.session() as s:
        made = []
        for k in range(n):
            m = add_member(s, now - timedelta(days=100), name=f"buyer{k}")
            add_order(s, m, 1_000 * (k + 1), now - timedelta(days=3 + 40 * k))
            made.append(m.member_code)
    return made


def test_dashboard_scores_rfm_when_the_nightly_job_never_ran(app, clock, login_as):
    buyers(app, clock)
    with app.extensions["bot"].db.session() as s:
        assert rfm.last_scored_at(s) is None
    page = login_as("viewer").get("/console/").get_data(as_text=True)
    with app.extensions["bot"].db.session() as s:
        assert s.scalar(select(func.count()).select_from(RfmScore)) == 3
        assert rfm.last_scored_at(s) == clock.now()
    assert page.count("資料時間 as of 2026-11-20 14:00") == 2  # the chart and the table


def test_the_nightly_time_is_shown_not_replaced(app, clock, login_as):
    codes = buyers(app, clock)
    earlier = clock.now() - timedelta(hours=9)
    with app.extensions["bot"].db.session() as s:
        rfm.score_all(s, earlier)
    viewer = login_as("viewer")
    assert "as of 2026-11-20 05:00" in viewer.get(f"/console/members/{codes[0]}").get_data(as_text=True)
    assert "as of 2026-11-20 05:00" in viewer.get("/console/segments/new").get_data(as_text=True)
    assert "as of 2026-11-20 05:00" in viewer.get("/console/members").get_data(as_text=True)


def test_a_segment_on_rfm_scores_first(app, clock, login_as):
    buyers(app, clock)
    data = login_as("viewer").get("/console/segments/count?rfm=" + "&rfm=".join(
        ["champions", "loyal", "potential", "new", "at_risk", "cant_lose", "hibernating", "lost"])).get_json()
    assert data["count"] == 3


def test_nobody_to_score_says_so(app, login_as):
    page = login_as("viewer").get("/console/").get_data(as_text=True)
    assert "not computed yet: nobody has bought" in page
