"""Polish (issue 23, point 10, in part): a "joined more than N days ago" segment condition (exactly what "in the
last N days" leaves out), and RFM refreshed on demand from any page that shows its as-of time."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from insights import rfm
from insights import segments as seg
from insights.models import RfmScore

from .people import add_member, add_order
from .test_browser import browser, live_app  # noqa: F401 - fixtures


def test_joined_more_than_n_days_ago_is_the_complement_of_in_the_last_n_days(app, clock, login_as):
    rt = app.extensions["bot"]
    now = clock.now()
    with rt.db.session() as s:
        codes = {days: add_member(s, now - timedelta(days=days), name=f"d{days}").member_code
                 for days in (0, 29, 30, 31, 400)}
        over = {m.member_code for m in seg.members(s, seg.SegmentFilter(joined_over_days=30), now)}
        within = {m.member_code for m in seg.members(s, seg.SegmentFilter(joined_within_days=30), now)}
    assert over == {codes[30], codes[31], codes[400]} and within == {codes[0], codes[29]}
    assert over | within == set(codes.values()) and not over & within
    page = login_as("marketer").get("/console/members?joined_over_days=30").get_data(as_text=True)
    assert "more than 30 days ago" in page and codes[400] in page and codes[0] not in page
    bad = login_as("marketer").get("/console/members?joined_over_days=-3")
    assert bad.status_code == 400


def test_rfm_refreshed_on_demand(app, clock, login_as):
    rt = app.extensions["bot"]
    now = clock.now()
    with rt.db.session() as s:
        first = add_member(s, now - timedelta(days=100), name="first")
        add_order(s, first, 1_000, now - timedelta(days=3))
        rfm.score_all(s, now - timedelta(hours=20))
        late = add_member(s, now - timedelta(days=10), name="late")
        add_order(s, late, 5_000, now - timedelta(days=1))
        late_id = late.id
    marketer = login_as("marketer")
    dashboard = marketer.get("/console/").get_data(as_text=True)
    assert "Refresh now" in dashboard
    done = marketer.post("/console/rfm/refresh", {"next": "/console/?x=1"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/console/?x=1")
    with rt.db.session() as s:
        assert s.get(RfmScore, late_id) is not None
        assert {r.scored_at for r in s.scalars(select(RfmScore))} == {now}
    assert marketer.post("/console/rfm/refresh", {"next": "https://evil.example/"}).headers["Location"].endswith(
        "/console/members")
    assert login_as("viewer").post("/console/rfm/refresh").status_code == 403


def test_members_dashboard_and_segment_builder_at_390_px(live_app, browser, clock):  # noqa: F811
    from .conftest import create_staff
    from .test_browser import OUTPUT, log_in, new_page

    rt = live_app.extensions["bot"]
    now = clock.now()
    with rt.db.session() as s:
        for k in range(3):
            m = add_member(s, now - timedelta(days=40 * k), name=f"member{k}")
            add_order(s, m, 1_200 * (k + 1), now - timedelta(days=2 + 30 * k))
    create_staff(live_app, "marketer@shop.example", "marketer")
    base = live_app.config["LIVE_URL"]
    OUTPUT.mkdir(exist_ok=True)
    errors: list[str] = []
    page = new_page(browser, errors)
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, base, "marketer@shop.example")
    page.goto(base + "/console/members?joined_over_days=30")
    assert "more than 30 days ago" in page.content()
    assert page.locator(".rfm-refresh").count() == 0  # never a form inside the filter form
    page.screenshot(path=str(OUTPUT / "members-joined-over-390.png"), full_page=True)
    page.goto(base + "/console/")
    page.click(".rfm-refresh button >> nth=0")
    page.wait_for_selector(".flash-ok")
    assert "RFM refreshed for 3 members" in page.locator(".flash-ok").inner_text()
    page.screenshot(path=str(OUTPUT / "dashboard-rfm-refreshed-390.png"), full_page=True)
    for path in ("/console/", "/console/members", "/console/segments/new", "/console/journey", "/console/stores"):
        page.goto(base + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        wide = page.evaluate("""[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 392)
            .slice(0, 6).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""")
        assert width <= 392, (path, width, wide)
    assert errors == []


def test_segments_listed_with_their_counts_and_members_sorted_both_ways(app, clock, login_as):
    rt = app.extensions["bot"]
    now = clock.now()
    with rt.db.session() as s:
        small, big = (add_member(s, now - timedelta(days=d), name=n, balance=b)
                      for d, n, b in ((10, "small", 5), (20, "big", 900)))
        add_member(s, now - timedelta(days=5), name="unsubscribed", marketing_opt_in=False, balance=50)
        seg.save(s, "最近一個月 Last month", seg.SegmentFilter(joined_within_days=30), "t", now)
        small_code, big_code = small.member_code, big.member_code
    marketer = login_as("marketer")
    listing = marketer.get("/console/segments").get_data(as_text=True)
    assert '<td class="num segment-count">3</td><td class="num">2</td>' in listing
    desc = marketer.get("/console/members?sort=points").get_data(as_text=True)
    asc = marketer.get("/console/members?sort=points&dir=asc").get_data(as_text=True)
    assert desc.index(big_code) < desc.index(small_code) and asc.index(small_code) < asc.index(big_code)
    assert "dir=asc" in desc and "▲" in asc  # the current sort's link reverses it


def test_csv_downloads_have_human_headers_and_values(app, clock, login_as):
    import csv
    import io

    rt = app.extensions["bot"]
    now = clock.now()
    with rt.db.session() as s:
        m = add_member(s, now - timedelta(days=100), name="buyer", marketing_opt_in=False)
        add_order(s, m, 1_000, now - timedelta(days=200))
        rfm.score_all(s, now)
        segment = seg.save(s, "Everyone", seg.SegmentFilter(), "t", now)
        segment_id = segment.id
    marketer = login_as("marketer")
    rows = list(csv.reader(io.StringIO(marketer.get(f"/console/segments/{segment_id}/members.csv")
                                       .get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["會員編號 Member code", "姓名 Name", "等級 Tier"]
    assert rows[1][5:] == ["否 no", "否 no"]  # not `False`
    table = marketer.get("/console/?table=rfm&format=csv").get_data(as_text=True)
    assert "分群 Segment" in table and "at_risk" not in table and "False" not in table


def test_chart_axis_ticks_are_whole_members_and_round_money(live_app, browser, clock):  # noqa: F811
    import re

    from .conftest import create_staff
    from .test_browser import OUTPUT, log_in, new_page

    rt = live_app.extensions["bot"]
    now = clock.now()
    with rt.db.session() as s:  # a small shop: 3 new members and NT$12,500 this month
        for k, amount in enumerate((2_500, 4_000, 6_000)):
            m = add_member(s, now - timedelta(days=k + 1), name=f"m{k}")
            add_order(s, m, amount, now - timedelta(hours=k + 1))
    create_staff(live_app, "marketer@shop.example", "marketer")
    base = live_app.config["LIVE_URL"]
    errors: list[str] = []
    page = new_page(browser, errors)
    log_in(page, base, "marketer@shop.example")
    page.goto(base + "/console/")
    page.wait_for_selector(".chart svg text")
    ticks = page.evaluate("""() => [...document.querySelectorAll('.chart svg text[text-anchor=end]')]
        .map(t => t.textContent)""")
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "dashboard-ticks.png"), full_page=True)
    counts = [t for t in ticks if t[:1].isdigit() and not t.endswith("%")]  # the bar charts' names aside
    money = [t for t in ticks if t.startswith("NT$")]
    bad = [t for t in counts if not re.fullmatch(r"\d[\d,]*", t)]
    assert counts and not bad, (bad, ticks)  # never 1.25 members
    assert money and all(re.fullmatch(r"NT\$(\d[\d,]*|\d+(\.5)?k)", t) for t in money), money
    assert errors == []
