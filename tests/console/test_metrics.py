"""The four measures: the issue's worked example, the same numbers from the database, the dashboard
and GET /api/v1/metrics agreeing, per-store figures, the funnel and the CSV downloads."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from api.keys import create_key
from insights import dashboard_data, metrics
from insights.months import Month

from .people import add_member, add_order

TAIPEI = ZoneInfo("Asia/Taipei")


def test_the_worked_example():
    m = metrics.Measures(month="2026-10", new_members=1_000, members_at_end=5_000, members_at_previous_end=4_500,
                         member_sales=100_000, previous_member_sales=80_000)
    assert m.acquisition_rate == pytest.approx(0.20)
    assert round(m.retention_rate * 100, 2) == 88.89
    assert round(m.revenue_per_member_change, 2) == 4.44
    data = m.to_dict()
    assert data["acquisition_rate_percent"] == 20.0
    assert data["retention_rate_percent"] == 88.89
    assert data["revenue_per_member_change"] == 4.44


def test_no_members_means_no_rates_rather_than_a_division_by_zero():
    m = metrics.Measures("2026-10", 0, 0, 0, 0, 0)
    assert (m.acquisition_rate, m.retention_rate, m.revenue_per_member_change) == (None, None, None)
    assert m.to_dict()["acquisition_rate"] is None


def test_months():
    assert str(Month.parse("2026-01").previous()) == "2025-12"
    assert [str(m) for m in Month.parse("2026-02").back(3)] == ["2025-12", "2026-01", "2026-02"]
    assert Month.parse("2026-10").start(TAIPEI) == datetime(2026, 10, 1, tzinfo=TAIPEI)
    for bad in ("2026-13", "2026-1", "October", ""):
        with pytest.raises(ValueError):
            Month.parse(bad)


@pytest.fixture
def example(app):
    """The worked example at a tenth of its size, in October 2026 (Taipei time):
    100 new members, 500 at month end, 450 at the end of September; sales NT$10,000 vs NT$8,000."""
    rt = app.extensions["bot"]
    sept = datetime(2026, 9, 10, 12, tzinfo=TAIPEI)
    octo = datetime(2026, 10, 10, 12, tzinfo=TAIPEI)
    with rt.db.session() as s:
        old = [add_member(s, sept - timedelta(days=100)) for _ in range(450)]
        # 50 of them leave (erase their data) in October: still counted at September's end
        for m in old[:50]:
            m.status, m.erased_at, m.line_user_id = "erased", octo, None
        for _ in range(100):
            add_member(s, octo)
        add_member(s, datetime(2026, 10, 31, 23, 59, tzinfo=TAIPEI))  # joined 31 Oct 23:59 Taipei: October
        add_member(s, datetime(2026, 11, 1, 0, 0, tzinfo=TAIPEI))  # November: not counted
        add_order(s, old[100], 8_000, sept, store_id="S01")
        add_order(s, old[101], 6_000, octo, store_id="S01")
        add_order(s, old[102], 3_000, octo, channel="online")
        add_order(s, old[103], 1_500, octo, store_id="S02", status="partially_refunded", net_amount=1_000)
        add_order(s, old[104], 999, datetime(2026, 9, 30, 16, 30, tzinfo=ZoneInfo("UTC")))  # 1 Oct 00:30 Taipei
    return rt


def test_measures_from_the_database(example, app):
    with example.db.session() as s:
        m = metrics.monthly_measures(s, Month(2026, 10), TAIPEI)
    # 101 joined in October; 450 - 50 + 101 = 501 at its end; 450 at September's end
    assert (m.new_members, m.members_at_end, m.members_at_previous_end) == (101, 501, 450)
    assert (m.member_sales, m.previous_member_sales) == (6_000 + 3_000 + 1_000 + 999, 8_000)
    assert round(m.acquisition_rate * 100, 2) == round(101 / 501 * 100, 2)
    assert round(m.retention_rate * 100, 2) == round(400 / 450 * 100, 2) == 88.89
    assert round(m.revenue_per_member_change, 2) == round(2_999 / 450, 2)


def test_per_store(example):
    with example.db.session() as s:
        stores = {r.store: r for r in metrics.store_measures(s, Month(2026, 10), TAIPEI, 450)}
    assert stores["S01"].member_sales == 6_000 + 999 and stores["S01"].previous_member_sales == 8_000
    assert stores["online"].member_sales == 3_000 and stores["S02"].member_sales == 1_000
    assert round(stores["S01"].revenue_per_member_change, 2) == round(-1_001 / 450, 2)


def test_the_api_needs_a_key_and_answers_the_same_numbers_as_the_dashboard(example, app, login_as):
    client = app.test_client()
    assert client.get("/api/v1/metrics?month=2026-10").status_code == 401
    assert client.get("/api/v1/metrics?month=2026-10",
                      headers={"Authorization": "Bearer nope"}).status_code == 401
    with example.db.session() as s:
        _, key = create_key(s, "bi-tool", example.clock.now())
    auth = {"Authorization": f"Bearer {key}"}
    body = client.get("/api/v1/metrics?month=2026-10", headers=auth).get_json()
    for word in ("acquisition", "retention", "revenue", "satisfaction"):
        assert any(word in k for k in body), word
    assert body["month"] == "2026-10" and body["new_members"] == 101 and body["retention_rate_percent"] == 88.89
    assert body["revenue_per_member_change"] == round(2_999 / 450, 2)
    assert {s["store"] for s in body["stores"]} == {"S01", "S02", "online"}
    assert body["satisfaction_average_rating"] is None and body["satisfaction_responses"] == 0
    bad = client.get("/api/v1/metrics?month=2026-13", headers=auth)
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "invalid"
    page = login_as("viewer").get("/console/?month=2026-10").get_data(as_text=True)
    assert f"{101 / 501 * 100:.2f}%" in page and "88.89%" in page and f"+NT${2_999 / 450:.2f}" in page


def test_dashboard_tables_download_as_csv(example, login_as):
    viewer = login_as("viewer")
    csv = viewer.get("/console/?month=2026-10&table=measures&format=csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    text = csv.get_data(as_text=True)
    assert text.startswith("\ufeff月份 Month,新會員 New members,月底會員數 Members at month end")  # headings in words
    assert "2026-10,101,501," in text
    for table in ("stores", "funnel", "tiers", "rfm", "broadcasts"):
        assert viewer.get(f"/console/?month=2026-10&table={table}&format=csv").status_code == 200, table
    assert viewer.get("/console/?table=nope&format=csv").status_code == 404
    page = viewer.get("/console/?month=2026-10").get_data(as_text=True)
    assert "charts.js" in page and "data-chart" in page


def test_funnel_and_returning_share(app):
    rt = app.extensions["bot"]
    oct5 = datetime(2026, 10, 5, tzinfo=TAIPEI)
    with rt.db.session() as s:
        add_member(s, None, status="friend", created_at=oct5)
        buyer = add_member(s, oct5)
        add_order(s, buyer, 100, oct5 + timedelta(days=1))
        repeat = add_member(s, oct5)
        add_order(s, repeat, 200, datetime(2026, 9, 20, tzinfo=TAIPEI))
        add_order(s, repeat, 300, oct5 + timedelta(days=2))
        add_member(s, oct5, is_blocked=True, blocked_at=oct5)
        rows = {r.month: r for r in dashboard_data.funnel(s, Month(2026, 10).back(2), TAIPEI)}
        share = dashboard_data.returning_share(s, Month(2026, 10), TAIPEI)
    assert rows["2026-10"] == dashboard_data.FunnelRow("2026-10", 4, 3, 2, 1, 1)
    assert rows["2026-09"].friends == 0
    assert (share.sales, share.returning_sales) == (400, 300)
