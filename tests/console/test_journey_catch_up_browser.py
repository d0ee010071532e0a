"""Journey steps missed while the worker was down (issue 23, point 7, in part) in Debian's Chromium: after a jump
of the worker to day 8, the day-3 step (its 2-day catch-up window long closed) is shown as missed with the
reason, while a jump within the window sends a step late; a content step shows its title and every step has a
preview in both languages. Screenshots go to test-output/."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from content.models import ContentItem
from messaging import journey
from tests.e2e.chat import Chat
from worker.runner import run_due

from .conftest import create_staff
from .test_browser import OUTPUT, browser, live_app, marketer_page  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser
EARLY, LATE = "U" + "1" * 31 + "e", "U" + "2" * 31 + "e"


def test_a_step_past_its_catch_up_window_is_shown_missed_and_one_within_it_goes_late(
        live_app, browser, sender, line, clock):  # noqa: F811
    rt = live_app.extensions["bot"]
    start = clock.now()
    with rt.db.session() as s:
        s.add(ContentItem(title_zh="手沖入門", title_en="Pour-over basics", body_zh="三步驟。", body_en="Three steps.",
                          topics=[], status="active", kind="tip", source="console", created_by="t",
                          created_at=start, updated_at=start, published_at=start))
        s.flush()
        item_id = s.scalar(select(ContentItem.id))
        for given in (journey.StepInput(0, "text", "{name}，謝謝加入！", "Thanks for joining, {name}!"),
                      journey.StepInput(3, "content", content_item_id=item_id)):
            journey.save_step(s, given, "t", start, ("member",))
    chat = Chat(live_app.test_client(), sender, line)
    chat.join(EARLY)
    run_due(live_app, start + timedelta(minutes=5))  # day 0 goes out; then the worker is down for 8 days
    clock.set(start + timedelta(days=8))
    run_due(live_app, clock.now())
    assert not any("手沖入門" in str(d["message"]) for d in line.delivered(EARLY))  # past the window: not sent
    # a second member, joined later, whose day-3 step falls due while the worker is down for a day only
    clock.set(start + timedelta(days=8, minutes=10))
    chat.join(LATE)
    clock.set(start + timedelta(days=12))  # day 3 for LATE was at day 11: within the 2-day window
    run_due(live_app, clock.now())
    from bot.outbox import sender as outbox_sender
    outbox_sender.drain(rt)
    assert any("手沖入門" in str(d["message"]) for d in line.delivered(LATE))  # sent late
    with rt.db.session() as s:
        figures = {f.step.delay_days: f for f in journey.figures(s, clock.now())}
    # EARLY's day 3 and LATE's day 0 (due at day 8, the worker back only at day 12) are missed
    assert (figures[3].missed, figures[3].sent, figures[0].missed, figures[0].sent) == (1, 1, 1, 1)
    assert figures[3].title == "手沖入門 · Pour-over basics"

    errors: list[str] = []
    page, base = marketer_page(live_app, browser, errors)
    page.goto(base + "/console/journey")
    rows = page.locator("#journey-steps").inner_text()
    assert "手沖入門 · Pour-over basics" in rows
    note = page.locator("#missed-note").inner_text()
    assert "catch-up window" in note and "Day 3: 1" in note and "Day 0: 1" in note
    page.click("#previews summary >> nth=1")
    preview = page.locator("#previews").inner_text()
    assert "手沖入門" in preview and "Pour-over basics" in preview
    page.click("#previews summary >> nth=0")
    assert "陳小華，謝謝加入！" in page.locator("#previews").inner_text()
    page.screenshot(path=str(OUTPUT / "journey-missed-and-previews.png"), full_page=True)
    assert errors == []


def test_a_step_is_test_sent_to_the_staff_members_linked_line_account(app, rt, line, clock):
    from bot.outbox import sender as outbox_sender

    from .conftest import ConsoleClient

    staff_uid = "U" + "5" * 31 + "f"
    line.add_user(staff_uid, "Amy (staff)")
    create_staff(app, "linked@shop.example", "marketer", line_user_id=staff_uid)
    create_staff(app, "unlinked@shop.example", "marketer")
    with rt.db.session() as s:
        step = journey.save_step(s, journey.StepInput(0, "text", "{name}，謝謝加入！", "Thanks, {name}!"), "t",
                                 clock.now(), ("member",))
        step_id = step.id
    unlinked = ConsoleClient(app.test_client())
    unlinked.login("unlinked@shop.example")
    refused = unlinked.post(f"/console/journey/steps/{step_id}/test")
    assert "link your LINE account first" in unlinked.get(refused.headers["Location"]).get_data(as_text=True)
    linked = ConsoleClient(app.test_client())
    linked.login("linked@shop.example")
    assert linked.post(f"/console/journey/steps/{step_id}/test").status_code == 302
    outbox_sender.drain(rt)
    assert [d["message"]["text"] for d in line.delivered(staff_uid)] == ["陳小華，謝謝加入！"]
    with rt.db.session() as s:
        (f,) = journey.figures(s, clock.now())
    assert (f.sent, f.waiting) == (0, 0)  # a test counts in no figure
