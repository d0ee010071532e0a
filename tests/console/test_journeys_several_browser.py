"""Several journeys (issue 23, point 7): welcome, first purchase and win-back each start at their own moment;
existing members are enrolled by segment in the console (once each) and get the steps counted from then.
Screenshot to test-output/."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.outbox import sender as outbox_sender
from insights import segments as seg
from messaging import journey
from rewards import membership, orders
from rewards.models import Outbox
from tests.e2e.chat import Chat
from worker.runner import run_due

from .conftest import create_staff
from .test_browser import OUTPUT, browser, live_app, log_in, new_page  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser
BUYER, LAPSED, OLD = "U" + "3" * 31 + "a", "U" + "4" * 31 + "a", "U" + "6" * 31 + "a"


def texts(line, uid):
    return [str(d["message"].get("text")) for d in line.delivered(uid)]


def test_first_purchase_win_back_and_enrolment_by_segment(live_app, browser, sender, line, clock):  # noqa: F811
    rt = live_app.extensions["bot"]
    start = clock.now()
    chat = Chat(live_app.test_client(), sender, line)
    for uid in (BUYER, LAPSED, OLD):
        chat.join(uid)
    with rt.db.session() as s:
        lapsed = membership.by_line_user(s, LAPSED)
        orders.record_fields(s, lapsed, "store", "OLD-1", 500, start - timedelta(days=90), "信義店", None,
                             start, rt.settings)
        for given in (journey.StepInput(1, "text", "謝謝您的第一筆訂單！", "Thanks for your first order!",
                                        journey="first_purchase"),
                      journey.StepInput(0, "text", "好久不見，想念您！", "We miss you!", journey="win_back"),
                      journey.StepInput(0, "text", "歡迎加入會員旅程", "Welcome aboard", journey="welcome")):
            journey.save_step(s, given, "t", start - timedelta(days=200), ("member",))
    with rt.db.session() as s:
        buyer = membership.by_line_user(s, BUYER)
        orders.record_fields(s, buyer, "online", "NEW-1", 800, start, None, None, start, rt.settings)
    clock.set(start + timedelta(days=1, minutes=5))
    run_due(live_app, clock.now())
    outbox_sender.drain(rt)
    assert "謝謝您的第一筆訂單！" in texts(line, BUYER) and "謝謝您的第一筆訂單！" not in texts(line, OLD)
    assert "好久不見，想念您！" in texts(line, LAPSED)  # 90 days since the last order: the win-back starts
    assert "好久不見，想念您！" not in texts(line, BUYER)

    create_staff(live_app, "marketer@shop.example", "marketer")
    with rt.db.session() as s:
        everyone = seg.save(s, "所有會員 Everyone", seg.SegmentFilter(), "t", clock.now())
        everyone_id = everyone.id
    base = live_app.config["LIVE_URL"]
    OUTPUT.mkdir(exist_ok=True)
    errors: list[str] = []
    page = new_page(browser, errors)
    log_in(page, base, "marketer@shop.example")
    page.goto(base + "/console/journey?j=win_back")
    assert "好久不見" in page.locator("#journey-steps").inner_text()
    assert "歡迎加入會員旅程" not in page.locator("#journey-steps").inner_text()  # one journey at a time
    page.select_option("#enrol select[name=segment_id]", str(everyone_id))
    page.click("#enrol button")
    page.wait_for_selector(".flash-ok")
    assert "3 members enrolled" in page.locator(".flash-ok").inner_text()
    page.click("#enrol button")  # again: nobody twice
    page.wait_for_selector(".flash-ok")
    assert "0 members enrolled" in page.locator(".flash-ok").inner_text()
    assert "3 位加入 enrolled" in page.locator("#journeys").inner_text()
    page.screenshot(path=str(OUTPUT / "journeys-win-back-enrolled.png"), full_page=True)
    clock.set(clock.now() + timedelta(minutes=10))
    run_due(live_app, clock.now())
    outbox_sender.drain(rt)
    # enrolled today: the day-0 win-back step queued once for each, then the marketing policy decides
    with rt.db.session() as s:
        (step,) = journey.steps(s, "win_back")
        rows = {r.member_id: r for r in s.scalars(select(Outbox).where(Outbox.dedup_key.like(f"journey:{step.id}:%")))}
        by_uid = {uid: membership.by_line_user(s, uid).id for uid in (BUYER, LAPSED, OLD)}
    assert set(rows) == set(by_uid.values())
    assert texts(line, OLD).count("好久不見，想念您！") == 1
    assert texts(line, LAPSED).count("好久不見，想念您！") == 1  # not twice for being enrolled too
    assert rows[by_uid[BUYER]].skip_reason == "weekly_cap"  # two marketing messages this week already
    assert errors == []
