"""The chat page in Chromium: rendering the bot's messages and performing their actions."""
import pytest
import requests

from simulator.testing import running_simulator

from .conftest import SECRET

pytestmark = pytest.mark.browser


def welcome():
    picker = {"type": "datetimepicker", "label": "生日", "data": "action=birthday", "mode": "date",
              "initial": "1990-01-01", "max": "2020-12-31", "min": "1900-01-01"}
    bubble = {"type": "bubble",
              "header": {"type": "box", "layout": "vertical", "contents": [{"type": "text", "text": "歡迎"}]},
              "body": {"type": "box", "layout": "horizontal", "contents": [
                  {"type": "text", "text": "點數", "flex": 2}, {"type": "separator"},
                  {"type": "text", "text": "120", "align": "end", "weight": "bold"}]},
              "footer": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": [
                  {"type": "button", "style": "primary", "action": picker},
                  {"type": "filler"}]}}
    quick = {"items": [{"type": "action", "action": {"type": "message", "label": "Points", "text": "points"}},
                       {"type": "action", "action": {"type": "postback", "label": "Join", "data": "action=join",
                                                     "displayText": "我要加入"}}]}
    return [{"type": "flex", "altText": "歡迎", "contents": bubble, "quickReply": quick}]


def test_a_person_follows_reads_a_flex_welcome_and_taps_its_actions(tiny_bot, browser_page):
    with running_simulator(bot_url=tiny_bot.url, channel_secret=SECRET) as sim:
        def answer(event):
            kind = type(event).__name__
            if kind == "FollowEvent":
                messages = welcome()
            elif kind == "PostbackEvent":
                messages = [{"type": "text", "text": f"got {event.postback.data} {event.postback.params or ''}"}]
            elif kind == "MessageEvent":
                messages = [{"type": "text", "text": f"you said {event.message.text}"}]
            else:
                return
            requests.post(sim.url + "/v2/bot/message/reply", timeout=5, headers={"Authorization": "Bearer t"},
                          json={"replyToken": event.reply_token, "messages": messages})

        tiny_bot.on_event = answer
        page = browser_page
        page.goto(sim.url + "/")
        page.fill("#new-name", "阿美")
        page.click("#new-user button")
        page.click("#follow")
        page.wait_for_selector(".fx-bubble >> text=歡迎")
        assert page.locator(".fx-bubble >> text=120").is_visible()

        page.click("#quick-replies >> text=Points")
        page.wait_for_selector(".bubble >> text=you said points")

        page.fill("#text", "你好")
        page.press("#text", "Enter")
        page.wait_for_selector(".bubble >> text=you said 你好")

        page.locator(".fx-button", has_text="生日").last.click()
        assert page.input_value("#picker-input") == "1990-01-01"
        assert page.get_attribute("#picker-input", "max") == "2020-12-31"
        page.fill("#picker-input", "1991-05-06")
        page.click("#picker button[type=submit]")
        page.wait_for_selector("text=got action=birthday {'date': '1991-05-06'}")

        page.click("#block")
        page.wait_for_selector("text=blocked the account")
        assert sim.platform.errors() == []
