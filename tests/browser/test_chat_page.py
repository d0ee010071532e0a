"""A person plays a LINE user on the simulator's chat page, against the real bot (Chromium).

Follow, tap Join, pick a birthday, ask for points and the member card in free words, switch to
English, block. Screenshots go to test-output/ for a person to look at.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from simulator.testing import running_simulator

from ..conftest import TEST_SECRET, make_app

pytestmark = pytest.mark.browser
OUT = Path(__file__).resolve().parents[2] / "test-output"


@contextmanager
def running_bot(database_url, clock, configure=None, **overrides):
    """The bot on a local port (events processed off the request, as in production), and the
    simulator pointed at it. `configure(simulator_url, bot_url)` may add settings that name them."""
    holder = {}
    server = make_server("127.0.0.1", 0, lambda env, start: holder["app"](env, start), threaded=True)
    bot_url = f"http://127.0.0.1:{server.server_port}"
    with running_simulator(bot_url=bot_url + "/callback", channel_secret=TEST_SECRET) as sim:
        overrides.update(configure(sim.url, bot_url) if configure else {})
        app = make_app(database_url, sim.url, clock, INBOX_MODE="thread", BOT_PUBLIC_URL=bot_url, **overrides)
        holder["app"] = app
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield app, sim
        server.shutdown()
        app.extensions["inbox_worker"].shutdown()
        app.extensions["bot"].db.dispose()


@pytest.fixture
def live_bot(database_url, clock):
    with running_bot(database_url, clock) as both:
        yield both


def say(page, words: str, answer: str) -> None:
    """Type `words` into the chat and wait for the answer the selector names."""
    page.fill("#text", words)
    page.press("#text", "Enter")
    page.wait_for_selector(answer)


def test_a_person_joins_sets_a_birthday_and_asks_in_free_words(live_bot, browser_page):
    page = browser_page
    app, sim = live_bot
    OUT.mkdir(exist_ok=True)
    page.goto(sim.url + "/")
    page.fill("#new-name", "阿美")
    page.click("#new-user button")
    page.click("#follow")
    page.wait_for_selector(".fx-bubble >> text=加入會員")
    page.locator(".fx-button", has_text="加入會員").last.click()
    page.wait_for_selector("text=歡迎加入會員")
    page.wait_for_selector("#quick-replies >> text=選擇生日")
    page.click("#quick-replies >> text=選擇生日")
    page.fill("#picker-input", "1992-03-15")
    page.click("#picker button[type=submit]")
    page.wait_for_selector("text=已記下您的生日")

    say(page, "我還有幾點？", ".bubble >> text=您目前有 50 點")
    say(page, "會員卡", ".fx-bubble >> text=會員卡")
    page.screenshot(path=str(OUT / "chat-member-card.png"), full_page=True)

    say(page, "English", "text=speak English")
    say(page, "pionts", ".bubble >> text=You have 50 points")  # a typo
    say(page, "what's the weather like", "text=didn't get that")
    page.screenshot(path=str(OUT / "chat-english.png"), full_page=True)

    page.click("#block")
    page.wait_for_selector("text=blocked the account")
    assert sim.platform.errors() == []
