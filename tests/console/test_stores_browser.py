"""Stores and shipped articles edited in the console (issue 23, point 5) in Debian's Chromium: the library
seeds them, a marketer changes a store's hours (a mistake first: every field stays as typed, the problem said
beside it) and a shipped article's title; `flask content sync` with changed files keeps both edits, and the
bot answers with the new hours. Screenshots go to test-output/."""
from __future__ import annotations

import shutil

import pytest
from sqlalchemy import select

from content.models import ContentItem
from core.config import PROJECT_ROOT
from tests.e2e.chat import Chat, words

from .test_browser import OUTPUT, browser, live_app, marketer_page  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser
LIBRARY = PROJECT_ROOT / "content" / "library"


def test_a_store_and_an_article_edited_in_the_console_survive_a_sync(live_app, browser, sender, line,
                                                                      tmp_path):  # noqa: F811
    folder = tmp_path / "library"
    shutil.copytree(LIBRARY, folder)
    runner = live_app.test_cli_runner()
    assert runner.invoke(args=["content", "sync", "--dir", str(folder)]).exit_code == 0
    errors: list[str] = []
    page, base = marketer_page(live_app, browser, errors)

    page.goto(base + "/console/content")
    page.click("#stores-link")
    page.wait_for_selector("#stores")
    assert "11:00-21:30" in page.locator("#stores").inner_text()
    page.click("text=信義店")
    assert "Seeded from the library file store-xinyi" in page.locator("#seed-note").inner_text()
    page.fill("input[name=hours]", "10 點到 10 點")
    page.fill("input[name=phone]", "02-2722-9999")
    page.click("#store-form button[type=submit]")
    page.wait_for_selector("#problems")
    assert "營業時間 Hours" in page.locator("#problems").inner_text()
    assert page.input_value("input[name=phone]") == "02-2722-9999"  # kept as typed
    assert page.input_value("input[name=hours]") == "10 點到 10 點"
    page.screenshot(path=str(OUTPUT / "store-form-problem.png"), full_page=True)
    page.fill("input[name=hours]", "10:00-22:00")
    page.click("#store-form button[type=submit]")
    page.wait_for_selector(".flash-ok")
    assert "Edited in the console" in page.locator("#seed-note").inner_text()

    rt = live_app.extensions["bot"]
    with rt.db.session() as s:
        article = s.scalar(select(ContentItem).where(ContentItem.slug == "linen-care"))
    page.goto(base + f"/console/content/{article.id}")
    page.fill("input[name=title_zh]", "亞麻照顧指南（門市版）")
    page.click("text=儲存 Save")
    page.wait_for_selector(".flash-ok")

    for name, old, new in (("store-xinyi.md", "11:00-21:30", "11:00-20:00"), ("linen-care.md", "title_zh:", "title_zh: 新")):
        path = folder / name
        path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    synced = runner.invoke(args=["content", "sync", "--dir", str(folder)])
    assert "kept as edited in the console: " in synced.output and "store-xinyi" in synced.output
    page.goto(base + "/console/stores")
    assert "10:00-22:00" in page.locator("#stores").inner_text()
    page.screenshot(path=str(OUTPUT / "stores.png"), full_page=True)
    page.goto(base + "/console/content")
    assert "亞麻照顧指南（門市版）" in page.content()

    chat = Chat(live_app.test_client(), sender, line)
    uid = "U" + "f" * 31 + "7"
    chat.join(uid)
    assert "10:00-22:00" in words(chat.say(uid, "信義店營業時間"))

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base + "/console/stores")
    page.screenshot(path=str(OUTPUT / "stores-390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 392
    assert errors == []
