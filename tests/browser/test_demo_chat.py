"""The demo as bin/dev runs it, in Chromium: the demo members are playable, a news carousel shows every
card whole, the rich menu folds away, and the view follows new replies after a reload."""
from __future__ import annotations

import pytest

from cli.content import sync_at_start
from core.config import PROJECT_ROOT

from .test_chat_page import OUT, running_bot

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(database_url, clock):
    with running_bot(database_url, clock, CONTENT_LIBRARY_DIR=str(PROJECT_ROOT / "content" / "library")) as (app, sim):
        sync_at_start(app.extensions["bot"])  # as the web and the worker start
        runner = app.test_cli_runner()
        for args in (["demo", "seed"], ["demo", "simulator-users", sim.url], ["richmenu", "deploy"]):
            result = runner.invoke(args=args)
            assert result.exit_code == 0, (args, result.output)
        yield app, sim


def distance_from_bottom(page):
    return page.evaluate("(() => { const t = document.getElementById('timeline');"
                         " return t.scrollHeight - t.scrollTop - t.clientHeight; })()")


def test_demo_members_play_see_whole_carousel_cards_and_new_replies_after_a_reload(demo, browser_page):
    page = browser_page
    app, sim = demo
    OUT.mkdir(exist_ok=True)
    page.goto(sim.url + "/")
    # the page fills the list from the simulator after it loads (chat.js, loadUsers): read it once filled
    page.wait_for_function("() => document.querySelectorAll('#user-select option').length >= 3")
    options = page.locator("#user-select option").all_text_contents()
    assert any("王小明" in o for o in options) and any("Amy Chen" in o for o in options)
    assert any("林美玲" in o for o in options)
    page.select_option("#user-select", label=next(o for o in options if "王小明" in o))
    page.wait_for_selector("#rich-menu-panel img")  # a member: the member menu is linked

    page.fill("#text", "最新消息")
    page.press("#text", "Enter")
    carousel = page.locator(".carousel").last
    carousel.wait_for()
    cards = carousel.locator(":scope > .fx-bubble")
    assert cards.count() >= 3
    page.wait_for_function("() => [...document.querySelectorAll('.carousel img')].every(i => i.complete)")
    assert page.evaluate("() => [...document.querySelectorAll('.carousel img')].every(i => i.naturalWidth > 0)"), \
        "each news card shows its picture (served by the bot)"
    sizes = {"nano": 120, "micro": 160, "deca": 220, "hecto": 241, "kilo": 260, "giga": 500}
    for i in range(cards.count()):
        size = (cards.nth(i).get_attribute("class") or "").split()[-1]
        assert round(cards.nth(i).bounding_box()["width"]) == sizes.get(size, 300), f"card {i} is squeezed"
    carousel.evaluate("c => { c.scrollLeft = c.scrollWidth; }")
    page.wait_for_timeout(200)
    box, last = carousel.bounding_box(), cards.nth(cards.count() - 1).bounding_box()
    assert last["x"] >= box["x"] - 1 and last["x"] + last["width"] <= box["x"] + box["width"] + 1, \
        "the last card can be scrolled fully into view"
    page.screenshot(path=str(OUT / "chat-demo-news.png"))

    # the rich menu folds away and stays folded; open it again
    menu_height = page.locator("#rich-menu").bounding_box()["height"]
    assert menu_height < page.viewport_size["height"] * 0.45
    page.click("#rich-menu-bar")
    page.wait_for_selector("#rich-menu-panel", state="hidden")
    assert page.locator("#rich-menu-bar").get_attribute("aria-expanded") == "false"
    page.click("#rich-menu-bar")
    page.wait_for_selector("#rich-menu-panel img")

    page.reload()
    page.wait_for_selector("#rich-menu-panel img")
    page.wait_for_function("() => [...document.querySelectorAll('#timeline img')].every(i => i.complete)")
    page.wait_for_timeout(1500)
    assert distance_from_bottom(page) < 40, "after a reload the view is at the newest message"
    before = page.locator("#timeline .row").count()
    page.fill("#text", "點數")
    page.press("#text", "Enter")
    page.wait_for_function(f"() => document.querySelectorAll('#timeline .row').length >= {before + 2}")
    page.wait_for_timeout(1500)
    assert distance_from_bottom(page) < 40, "a new reply arrives in view"
    page.screenshot(path=str(OUT / "chat-demo-after-reload.png"))
