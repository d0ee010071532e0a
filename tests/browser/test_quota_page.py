"""LINE's monthly limit in Chromium: the broadcast reads "waiting for quota", the banner's Resume
button sends the waiting messages at once. Screenshots go to test-output/."""
from __future__ import annotations

from datetime import timedelta

import pytest

from insights.models import Segment
from worker.runner import run_due

from ..console.conftest import create_staff
from ..console.test_browser import log_in
from ..console.people import add_member
from .test_chat_page import OUT, running_bot

pytestmark = pytest.mark.browser


def test_waiting_for_quota_and_resume(database_url, clock, console_page):
    page = console_page
    with running_bot(database_url, clock) as (app, sim):
        rt = app.extensions["bot"]
        now = clock.now()
        with rt.db.session() as s:
            users = [add_member(s, now - timedelta(days=9), name=f"會員{k}", tags=["q"]).line_user_id for k in range(3)]
            s.add(Segment(name="Q", definition={"tags": ["q"]}, created_by="t", created_at=now, updated_at=now))
        create_staff(app, "q@shop.example", "marketer")
        base = rt.config.BOT_PUBLIC_URL
        log_in(page, base, "q@shop.example")
        page.goto(base + "/console/broadcasts/new")
        page.fill("input[name=name]", "月底促銷")
        page.select_option("select[name=segment_id]", label="Q")
        page.fill("textarea[name=text_zh]", "{name}，月底促銷")
        page.click("text=儲存並預覽")
        page.wait_for_selector("#preview .phone")
        url = page.url
        sim.platform.faults.monthly_limit(r"/v2/bot/message/(push|multicast)", count=1)
        page.click("button[name=what][value=send_now]")
        page.wait_for_selector("text=即將送出")
        run_due(app, clock.now())
        page.goto(url)
        assert "waiting for quota" in page.inner_text("h1")
        assert page.locator("#monthly-limit-banner").is_visible()
        page.screenshot(path=str(OUT / "quota-waiting.png"), full_page=True)
        page.click("#resume-sending")
        page.wait_for_selector("text=已恢復發送")
        run_due(app, clock.now())
        page.goto(url)
        assert "waiting for quota" not in page.inner_text("h1") and page.locator("#monthly-limit-banner").count() == 0
        assert all(len(sim.platform.delivered(u)) == 1 for u in users)
        page.screenshot(path=str(OUT / "quota-resumed.png"), full_page=True)
