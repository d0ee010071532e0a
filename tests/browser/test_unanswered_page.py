"""A marketer teaches the bot from the unanswered list in a real browser (Chromium): the misses are
grouped by meaning, a group becomes a new faq (its English title asked for), and the list empties."""
from __future__ import annotations

import pytest

from messaging import misses

from ..console.conftest import PASSWORD, create_staff
from .test_chat_page import OUT, running_bot

pytestmark = pytest.mark.browser


def test_a_marketer_turns_a_group_of_misses_into_an_faq(database_url, clock, browser_page):
    page = browser_page
    with running_bot(database_url, clock) as (app, _sim):
        rt = app.extensions["bot"]
        with rt.db.session() as s:
            for i, wording in enumerate(("寵物可以進去嗎", "可以帶狗狗進去嗎", "寵物可以進去嗎", "阿里山好玩嗎")):
                misses.record(s, "U" + str(i) * 32, wording, wording, clock.now())
        create_staff(app, "teach@shop.example", "marketer")
        base = rt.config.BOT_PUBLIC_URL
        page.goto(base + "/console/login")
        page.fill("input[name=email]", "teach@shop.example")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.goto(base + "/console/unanswered")
        rows = page.locator("tr.miss-group")
        assert rows.count() == 2  # the pets group (3 misses) and the mountain
        pets = rows.filter(has=page.locator("b.wording", has_text="寵物可以進去嗎"))
        assert pets.locator(".count").inner_text() == "3"
        assert "可以帶狗狗進去嗎" in pets.inner_text()
        OUT.mkdir(exist_ok=True)
        page.screenshot(path=str(OUT / "unanswered.png"), full_page=True)

        form = pets.locator("form.label-group")
        form.locator("select[name=meaning]").select_option("new_faq")
        form.locator("input[name=title_zh]").fill("寵物")
        form.locator("textarea[name=answer_zh]").fill("歡迎毛孩！請使用推車或提籠。")
        form.locator("button[type=submit]").click()
        assert "English title is required" in page.inner_text("body")  # not copied from the Chinese one

        form = page.locator("tr.miss-group").filter(
            has=page.locator("b.wording", has_text="寵物可以進去嗎")).locator("form.label-group")
        form.locator("select[name=meaning]").select_option("new_faq")
        form.locator("input[name=title_zh]").fill("寵物")
        form.locator("input[name=title_en]").fill("Pets")
        form.locator("textarea[name=answer_zh]").fill("歡迎毛孩！請使用推車或提籠。")
        form.locator("button[type=submit]").click()
        assert "Learned" in page.inner_text("body")
        assert page.locator("tr.miss-group").count() == 1  # only the mountain is left

        page.locator("tr.miss-group form.dismiss-group button").click()
        assert "Nothing unanswered" in page.inner_text("#misses")
