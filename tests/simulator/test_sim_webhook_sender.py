"""WebhookSender builds bodies LINE would send, signs them like LINE, and posts them."""
import json
import re

import pytest
from flask import Flask, request
from linebot.v3 import WebhookParser
from linebot.v3.webhooks import FollowEvent, MessageEvent, PostbackEvent, UnfollowEvent

from simulator.webhook_sender import WebhookSender

from .conftest import SECRET, new_user_id

ULID = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")


def test_signature_matches_the_sdk_test_vector():
    sender = WebhookSender("http://unused.invalid/callback", "channel_secret")
    assert sender.sign(b"bodybodybodybody") == "/gg9a+LvFevTH1sd7XCQycD7tsWclCsInj7MhBHxN7k="


def test_built_events_validate_against_webhook_yml_and_parse_in_the_sdk(platform):
    sender = WebhookSender("http://unused.invalid/callback", SECRET, platform=platform)
    uid = new_user_id()
    events = [sender.follow(uid), sender.text(uid, "點數"), sender.postback(uid, "action=birthday", {"date": "1990-03-15"}),
              sender.unfollow(uid), sender.follow(uid, unblocked=True), sender.event("join", uid),
              sender.text(uid, "standby", mode="standby")]
    body = sender.body(events)
    sender.validate(json.loads(body))
    parsed = WebhookParser(SECRET).parse(body.decode(), sender.sign(body))
    assert [type(e) for e in parsed[:5]] == [FollowEvent, MessageEvent, PostbackEvent, UnfollowEvent, FollowEvent]
    assert parsed[1].message.text == "點數" and parsed[2].postback.params == {"date": "1990-03-15"}
    assert parsed[4].follow.is_unblocked is True
    assert "replyToken" not in events[3]
    assert all(ULID.match(e["webhookEventId"]) for e in events)
    assert len({e["webhookEventId"] for e in events}) == len(events)
    assert events[6]["mode"] == "standby" and events[0]["deliveryContext"] == {"isRedelivery": False}
    assert re.match(r"^U[0-9a-f]{32}$", json.loads(body)["destination"])


def test_reply_tokens_come_from_the_platform(platform, client):
    sender = WebhookSender("http://unused.invalid/callback", SECRET, platform=platform)
    uid = new_user_id()
    token = sender.text(uid, "hi")["replyToken"]
    r = client.post("/v2/bot/message/reply", json={"replyToken": token, "messages": [{"type": "text", "text": "ok"}]},
                    headers={"Authorization": "Bearer t"})
    assert r.status_code == 200 and platform.delivered(uid)[0]["how"] == "reply"


def test_validate_lists_what_breaks_the_spec():
    sender = WebhookSender("http://unused.invalid/callback", SECRET)
    event = sender.text(new_user_id(), "hi")
    del event["message"]["quoteToken"]
    with pytest.raises(ValueError, match="quoteToken"):
        sender.validate({"destination": sender.destination, "events": [event]})
    with pytest.raises(ValueError):
        sender.post([event])


def test_post_and_post_raw_reach_a_bot(tiny_bot):
    sender = WebhookSender(tiny_bot.url, SECRET)
    uid = new_user_id()
    status, elapsed = sender.post([sender.text(uid, "hello")])
    assert status == 200 and 0 <= elapsed < 10
    assert tiny_bot.events[0].message.text == "hello"
    body = sender.body([sender.text(uid, "forged")])
    assert sender.post_raw(body, "bm90IHRoZSBzaWduYXR1cmU=")[0] == 400
    assert sender.post_raw(body, None)[0] == 400
    assert len(tiny_bot.events) == 1


def test_post_to_client_uses_the_path_of_the_bot_url():
    seen = []
    app = Flask(__name__)

    @app.post("/hooks/line")
    def hook():
        seen.append((request.headers["X-Line-Signature"], request.get_data()))
        return "OK"

    sender = WebhookSender("http://bot.invalid/hooks/line", SECRET)
    response = sender.post_to_client(app.test_client(), [sender.follow(new_user_id())])
    assert response.status_code == 200
    signature, body = seen[0]
    assert signature == sender.sign(body)
