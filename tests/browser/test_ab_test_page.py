"""A marketer sets up an A/B test with a 50% hold-out of six members in Chromium: the page says
exactly who is held out, the results show each variant with intervals and "too few recipients to
tell", and Duplicate makes a new draft. Screenshots go to test-output/."""
from __future__ import annotations

from datetime import timedelta

import pytest

from insights.models import Segment
from worker.runner import run_due

from ..console.conftest import create_staff
from ..console.test_browser import log_in
from ..console.people import add_member, add_order
from .test_chat_page import OUT, running_bot

pytestmark = pytest.mark.browser


def half_and_half(page, b_zh: str, b_en: str) -> None:
    """Opens the A/B test on the compose page: A and B half each, B with its own words."""
    page.click("#ab-test summary")
    page.fill("input[name=variant_A_share]", "50")
    page.fill("input[name=variant_B_share]", "50")
    page.fill("textarea[name=variant_B_text_zh]", b_zh)
    page.fill("textarea[name=variant_B_text_en]", b_en)




def test_an_ab_test_with_an_honest_verdict(database_url, clock, console_page):
    page = console_page
    with running_bot(database_url, clock) as (app, sim):
        rt = app.extensions["bot"]
        now = clock.now()
        with rt.db.session() as s:
            people = [add_member(s, now - timedelta(days=30), name=f"會員{k}", tags=["ab"]) for k in range(6)]
            s.add(Segment(name="六位 Six", definition={"tags": ["ab"]}, created_by="t", created_at=now, updated_at=now))
        create_staff(app, "ab@shop.example", "marketer")
        base = rt.config.BOT_PUBLIC_URL
        log_in(page, base, "ab@shop.example")
        page.goto(base + "/console/broadcasts/new")
        page.fill("input[name=name]", "週末 A/B")
        page.select_option("select[name=segment_id]", label="六位 Six")
        page.fill("input[name=holdout_pct]", "50")
        page.fill("textarea[name=text_zh]", "{name}，週末 9 折")
        page.fill("textarea[name=text_en]", "{name}, 10% off this weekend")
        half_and_half(page, "{name}，週末滿千折百", "{name}, NT$100 off NT$1,000 this weekend")
        page.click("text=儲存並預覽")
        page.wait_for_selector("#split")
        split = page.inner_text("#split")
        assert "3 held out" in split and "版本 A: 2" in split and "版本 B: 1" in split
        page.screenshot(path=str(OUT / "ab-compose.png"), full_page=True)
        page.click("button[name=what][value=send_now]")
        page.wait_for_selector("text=即將送出")
        run_due(app, clock.now())
        with rt.db.session() as s:
            from rewards.models import Member
            for m in people[:2]:
                add_order(s, s.get(Member, m.id), 810, now + timedelta(hours=5))
        clock.advance(timedelta(days=1))
        log_in(page, base, "ab@shop.example")
        page.goto(base + "/console/broadcasts")
        page.click("text=週末 A/B")
        page.wait_for_selector("#ab-results")
        assert "Too few recipients to tell" in page.inner_text("#earned-verdict")
        assert page.locator("#ab-results tbody tr").count() == 2
        assert "Too few recipients to tell" in page.inner_text("#variant-B-result")
        page.locator("#earned").screenshot(path=str(OUT / "ab-results.png"))
        page.click("#duplicate")
        page.wait_for_selector("text=已複製成新的草稿")
        assert page.input_value("input[name=variant_B_share]") == "50"
        assert page.input_value("input[name=holdout_pct]") == "50"
        page.screenshot(path=str(OUT / "ab-duplicate.png"), full_page=True)
        assert sim.platform.errors() == []
