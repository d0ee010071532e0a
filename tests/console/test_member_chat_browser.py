"""1:1 chat from any member (issue 23, point 4) in Debian's Chromium: a customer gives a low survey score, the
follow-up queue shows their name and opens the chat with their answers; staff reply with a canned answer, a
sticker and an image (each shown as one push against the monthly quota), write a note the member never gets,
assign the chat, the member's answer arrives in the chat and is marked read on LINE when staff open it, and
handing back tells the member the bot is back. Screenshots go to test-output/."""
from __future__ import annotations

from datetime import timedelta

import pytest

from bot.outbox import sender as outbox_sender
from rewards import membership, orders
from tests.e2e.chat import Chat, postback_datas, words
from worker.runner import run_due

from .conftest import create_staff
from .test_browser import OUTPUT, browser, live_app, log_in, new_page  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser
CUSTOMER = "U" + "7" * 31 + "c"
IMAGE = "https://cdn.shop.example/apology-coupon.png"


@pytest.fixture
def unhappy(live_app, sender, line, clock):
    """A member who bought at a store and rated the visit 2 with a comment."""
    rt = live_app.extensions["bot"]
    line.add_user(CUSTOMER, "陳小華", "zh-TW")
    talk = Chat(live_app.test_client(), sender, line)
    talk.join(CUSTOMER)
    bought = clock.now()
    with rt.db.session() as s:
        member = membership.by_line_user(s, CUSTOMER)
        orders.record_fields(s, member, "store", "POS-77", 500, bought, "信義店", None, bought, rt.settings)
    clock.set(bought + timedelta(hours=2, minutes=5))
    run_due(live_app, clock.now())
    invitation = [d["message"] for d in line.delivered(CUSTOMER) if "1 到 5 分" in str(d["message"].get("text"))]
    talk.tap(CUSTOMER, postback_datas(invitation)[1])  # 2
    assert "門市人員會盡快跟進" in words(talk.say(CUSTOMER, "等了二十分鐘，咖啡是冷的"))
    create_staff(live_app, "marketer@shop.example", "marketer")
    create_staff(live_app, "bob@shop.example", "marketer")
    return talk


def test_follow_up_queue_opens_the_chat_and_staff_reply_note_assign_and_hand_back(live_app, browser, unhappy,
                                                                                 line):  # noqa: F811
    rt = live_app.extensions["bot"]
    base = live_app.config["LIVE_URL"]
    OUTPUT.mkdir(exist_ok=True)
    errors: list[str] = []
    page = new_page(browser, errors)
    log_in(page, base, "marketer@shop.example")

    page.goto(base + "/console/surveys")
    assert "陳小華" in page.locator("table").first.inner_text()  # the queue names the member
    page.click("a.chat-link")
    page.wait_for_selector("#survey-context")
    context = page.locator("#survey-context").inner_text()
    assert "陳小華" in context and "等了二十分鐘，咖啡是冷的" in context and "2 / 5" in context
    assert "小幫手回覆中" in page.locator("#chat-state").inner_text()
    assert "1 push message counted against the LINE monthly quota" in page.locator("#reply-cost").inner_text()
    page.screenshot(path=str(OUTPUT / "member-chat-from-survey.png"), full_page=True)

    # a canned reply, saved once, fills the box
    page.fill("#canned-form input[name=title]", "道歉 Apology")
    page.fill("#canned-form textarea[name=canned_text]", "很抱歉讓您久等了，我們會改進。")
    page.click("#canned-form button")
    page.wait_for_selector(".flash-ok")
    assert "survey=" in page.url  # back on the same chat, the survey still beside it
    page.select_option("#canned-pick", label="道歉 Apology")
    assert page.input_value("#reply-text") == "很抱歉讓您久等了，我們會改進。"
    page.click("#reply-form button[type=submit]")
    page.wait_for_selector(".flash-ok")
    assert "真人客服中" in page.locator("#chat-state").inner_text()  # the reply began the chat
    page.select_option("#sticker-form select[name=sticker]", "446/1993")
    page.click("#sticker-form button")
    page.wait_for_selector(".flash-ok")
    page.fill("#image-form input[name=image_url]", IMAGE)
    page.click("#image-form button")
    page.wait_for_selector(".flash-ok")
    page.fill("#note-form textarea[name=note]", "送一張 100 元折價券")
    page.click("#note-form button")
    page.wait_for_selector(".flash-ok")
    page.select_option("#assign-form select[name=assignee]", "bob@shop.example")
    page.click("#assign-form button")
    page.wait_for_selector(".flash-ok")
    assert "bob@shop.example" in page.locator("#chat-facts").inner_text()

    outbox_sender.drain(rt)
    got = [d["message"] for d in line.delivered(CUSTOMER)]
    assert {"type": "text", "text": "很抱歉讓您久等了，我們會改進。"} in got
    assert {"type": "sticker", "packageId": "446", "stickerId": "1993"} in got
    assert any(g.get("originalContentUrl") == IMAGE for g in got)
    assert not any("折價券" in str(g) for g in got)  # the note stays with staff

    # the member answers: the bot keeps quiet, the words wait in the chat, and opening it marks them read
    assert unhappy.say(CUSTOMER, "謝謝，下次再來") == []
    page.goto(base + page.url.split(base, 1)[1].split("#")[0])
    history = page.locator("#chat-history").inner_text()
    assert "謝謝，下次再來" in history and "送一張 100 元折價券" in history
    assert history.count("1 push against the monthly quota · sent") == 3
    assert "已讀" in page.locator("#read-mark").inner_text()
    assert line.read_up_to.get(CUSTOMER, 0) >= 1
    page.screenshot(path=str(OUTPUT / "member-chat-replies.png"), full_page=True)

    page.click("#hand-back")
    page.wait_for_selector(".flash-ok")
    assert "小幫手回覆中" in page.locator("#chat-state").inner_text()
    outbox_sender.drain(rt)
    assert any("接下來由小幫手為您服務" in str(d["message"].get("text")) for d in line.delivered(CUSTOMER))
    assert words(unhappy.say(CUSTOMER, "謝謝")) != ""  # the bot answers again

    # at 390 px the chat still reads and its forms still fit
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.screenshot(path=str(OUTPUT / "member-chat-390.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate("""[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 392)
        .slice(0, 8).map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right))""")
    assert width <= 392, (width, wide)
    assert errors == []


def test_any_member_page_opens_the_chat_and_viewers_cannot(live_app, login_as, unhappy):  # noqa: F811
    marketer = login_as("marketer")
    with live_app.extensions["bot"].db.session() as s:
        code = membership.by_line_user(s, CUSTOMER).member_code
    page = marketer.get(f"/console/members/{code}").get_data(as_text=True)
    assert f"/console/members/{code}/chat" in page
    bad = marketer.post(f"/console/members/{code}/chat/send", {"kind": "image", "image_url": "http://x.example/a.png"})
    assert bad.status_code == 302
    assert "https://" in marketer.get(bad.headers["Location"]).get_data(as_text=True)  # the reason, in the flash
    viewer = login_as("viewer")
    assert viewer.get(f"/console/members/{code}/chat").status_code == 403
    assert viewer.post(f"/console/members/{code}/chat/send", {"text": "hi"}).status_code == 403
