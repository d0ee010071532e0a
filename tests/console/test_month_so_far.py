"""A month in progress is marked "so far" and compared with the same days of the previous month."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from insights import metrics
from insights.months import Month

from .people import add_member, add_order

TAIPEI = ZoneInfo("Asia/Taipei")


def test_the_29th_compares_with_the_first_29_days(app, clock, login_as):
    """Now is 2026-11-20 14:00: November's 20 days against 1-20 October, not all of October."""
    rt = app.extensions["bot"]
    with rt.db.session() as s:
        m = add_member(s, datetime(2026, 9, 1, tzinfo=TAIPEI))
        add_order(s, m, 1_000, datetime(2026, 10, 5, 12, tzinfo=TAIPEI))
        add_order(s, m, 2_000, datetime(2026, 10, 20, 23, 30, tzinfo=TAIPEI))  # day 20: counted
        add_order(s, m, 9_000, datetime(2026, 10, 21, 0, 5, tzinfo=TAIPEI))  # day 21: not yet comparable
        add_order(s, m, 3_500, datetime(2026, 11, 19, 12, tzinfo=TAIPEI))
        measures = metrics.measures_for_months(s, [Month.parse("2026-10"), Month.parse("2026-11")], TAIPEI,
                                               clock.now())
        whole = metrics.measures_for_months(s, [Month.parse("2026-11")], TAIPEI)[0]
        stores = {st.store: st for st in metrics.store_measures(s, Month.parse("2026-11"), TAIPEI, 1, clock.now())}
    october, november = measures
    assert (november.days_so_far, november.member_sales, november.previous_member_sales) == (20, 3_500, 3_000)
    assert november.revenue_per_member_change == 500  # one member at October's end
    assert october.days_so_far is None and october.member_sales == 12_000  # a month that is over: whole
    assert whole.previous_member_sales == 12_000  # without `now` (the API): whole months as before
    assert (stores["S01"].member_sales, stores["S01"].previous_member_sales) == (3_500, 3_000)
    page = login_as("viewer").get("/console/").get_data(as_text=True)
    assert "本月至今 so far: 1–20 日 days" in page and "上月同期 NT$3,000" in page
    assert "2026-11 至今 so far (1–20)" in page


def test_a_longer_month_stops_at_the_previous_months_end(app):
    """31 March against February: all of February's 28 days, no more."""
    rt = app.extensions["bot"]
    now = datetime(2027, 3, 31, 20, tzinfo=TAIPEI)
    with rt.db.session() as s:
        m = add_member(s, datetime(2027, 1, 1, tzinfo=TAIPEI))
        add_order(s, m, 700, datetime(2027, 2, 28, 12, tzinfo=TAIPEI))
        add_order(s, m, 400, datetime(2027, 3, 1, 1, tzinfo=TAIPEI))
        days, so_far, before = metrics.sales_so_far(s, Month.parse("2027-03"), now)
    assert (days, so_far, before) == (31, 400, 700)
