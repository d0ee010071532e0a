"""The console's inbox and unanswered list in Debian's Chromium (Playwright): a customer asks for a
person through a signed webhook, the header counts the new chat, a marketer reads it with the
member summary, replies (a service push the customer gets) and hands the chat back; then what the
bot did not understand is listed grouped with its count and turned into an FAQ answer in one step."""
from __future__ import annotations

import pytest

from bot.outbox import sender as outbox_sender
from tests.e2e.chat import Chat, words

from .conftest import create_staff
from .test_browser import OUTPUT, browser, live_app, log_in, new_page  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser
CUSTOMER = "U" + "8" * 31 + "c"


@pytest.fixture
def chat(live_app, sender, line):
    line.add_user(CUSTOMER, "陳小華", "zh-TW")
    talk = Chat(live_app.test_client(), sender, line)
    talk.join(CUSTOMER)
    create_staff(live_app, "marketer@shop.example", "marketer")
    return talk


def test_inbox_reply_and_hand_back(live_app, browser, chat, line):  # noqa: F811
    base = live_app.config["LIVE_URL"]
    OUTPUT.mkdir(exist_ok=True)
    errors: list[str] = []
    assert "真人客服" in words(chat.say(CUSTOMER, "我要找真人客服"))
    assert chat.say(CUSTOMER, "我的訂單 A123 少寄一個杯子") == []

    page = new_page(browser, errors)
    log_in(page, base, "marketer@shop.example")
    assert page.locator("#new-handoffs").inner_text() == "1"
    page.click("text=客服")
    page.wait_for_selector("#chat")
    assert "少寄一個杯子" in page.locator("#chat").inner_text()
    assert "陳小華" in page.locator("#member-summary").inner_text()
    page.screenshot(path=str(OUTPUT / "inbox.png"), full_page=True)
    page.fill("textarea[name=text]", "您好，我們今天會補寄給您！")
    page.click("text=送出 Send")
    page.wait_for_selector(".flash-ok")
    assert "您好，我們今天會補寄給您！" in page.locator("#chat").inner_text()
    assert page.locator("#new-handoffs").count() == 0  # staff have seen it
    outbox_sender.drain(live_app.extensions["bot"])
    assert any(d["message"].get("text") == "您好，我們今天會補寄給您！" for d in line.delivered(CUSTOMER))

    page.click("text=交回小幫手")
    page.wait_for_selector(".flash-ok")
    assert "沒有等待中的對話" in page.content()
    assert "不客氣" in words(chat.say(CUSTOMER, "謝謝"))  # the bot answers again
    assert errors == []


def test_unanswered_grouped_and_made_an_faq(live_app, browser, chat):  # noqa: F811
    base = live_app.config["LIVE_URL"]
    errors: list[str] = []
    for text in ("可以帶寵物嗎", "可以帶寵物嗎？", "可以帶寵物進去嗎", "阿里山好玩嗎"):
        chat.say(CUSTOMER, text)

    page = new_page(browser, errors)
    log_in(page, base, "marketer@shop.example")
    page.click("text=問答")
    page.click(".table-head a:has-text('未解問題')")
    page.wait_for_selector("#misses")
    first = page.locator("#misses tbody tr").first
    # grouped by meaning: the three wordings about pets are one group
    assert "可以帶寵物嗎" in first.inner_text() and first.locator("td.num").inner_text() in ("3", "4")
    page.screenshot(path=str(OUTPUT / "unanswered.png"), full_page=True)
    form = first.locator("form.label-group")
    form.locator("select[name=meaning]").select_option("new_faq")
    form.locator("input[name=title_zh]").fill("寵物")
    form.locator("input[name=title_en]").fill("Pets")
    form.locator("textarea[name=answer_zh]").fill("歡迎毛孩同行，請使用提籠或推車。")
    form.locator("textarea[name=answer_en]").fill("Pets are welcome in a carrier or pushchair.")
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".flash, .ok, #misses")
    page.goto(base + "/console/faq")
    page.click("text=寵物")
    page.wait_for_selector("#faq-form")
    assert "可以帶寵物嗎" in page.locator("textarea[name=asked_zh]").input_value()

    assert "毛孩" in words(chat.say(CUSTOMER, "請問可以帶寵物嗎"))
    page.goto(base + "/console/unanswered")
    assert "可以帶寵物" not in page.locator("#misses").inner_text()
    assert "阿里山好玩嗎" in page.locator("#misses").inner_text()
    assert errors == []
