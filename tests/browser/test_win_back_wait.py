"""The win-back journey's wait in Chromium: the marketer changes "no purchase for N days" on the win-back tab,
the browser refuses a number out of range before it is sent, the saved one names the tab and the hint, and
the journey's steps count from it. Screenshots go to test-output/ for a person to look at."""
from __future__ import annotations

import pytest

from messaging import journey

from ..console.conftest import PASSWORD, create_staff
from .test_chat_page import OUT, running_bot

pytestmark = pytest.mark.browser


def test_the_marketer_sets_the_win_back_wait(database_url, clock, chromium):
    OUT.mkdir(exist_ok=True)
    with running_bot(database_url, clock) as (app, _sim):
        rt = app.extensions["bot"]
        create_staff(app, "wait@shop.example", "marketer")
        base = rt.config.BOT_PUBLIC_URL
        page = chromium.new_page(viewport={"width": 390, "height": 844}, locale="zh-TW")
        page.goto(base + "/console/login")
        page.fill("input[name=email]", "wait@shop.example")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(base + "/console/")
        page.goto(base + "/console/journey?j=win_back")
        box = "#win-back-wait input[name=win_back_days]"
        assert page.input_value(box) == "90"
        page.fill(box, "3")
        page.click("#win-back-wait button[type=submit]")
        assert page.evaluate(f"document.querySelector('{box}').validity.rangeUnderflow")  # not sent
        page.fill(box, "45")
        page.click("#win-back-wait button[type=submit]")
        page.wait_for_selector(".flash-ok")
        assert "45 days after a member's last purchase" in page.inner_text(".flash-ok")
        assert "Win-back (45 days after the last order)" in page.inner_text("#journeys")
        assert page.input_value(box) == "45"
        assert page.evaluate("document.documentElement.scrollWidth") <= 391
        page.screenshot(path=str(OUT / "journey-win-back-wait-390.png"), full_page=True)
        with rt.db.session() as s:
            assert journey.win_back_days(s) == 45
