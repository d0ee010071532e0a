"""The simulator's account link: link tokens as LINE issues them, and the dialog that sends the signed
accountLink event (ok for a good token, failed without a reply token for a used or expired one)."""
from simulator.app import create_app
from simulator.platform import LinePlatform

from .conftest import AUTH, SECRET, new_user_id


def test_a_link_token_only_for_a_friend_and_the_dialog_sends_the_event(tiny_bot):
    now = [1000.0]
    platform = LinePlatform(clock=lambda: now[0])
    client = create_app(platform, bot_url=tiny_bot.url, channel_secret=SECRET).test_client()
    user = new_user_id()
    assert client.post(f"/v2/bot/user/{user}/linkToken", headers=AUTH).status_code == 400  # not a friend
    platform.set_friendship(user, "friend")
    answer = client.post(f"/v2/bot/user/{user}/linkToken", headers=AUTH)
    assert answer.status_code == 200 and platform.errors() == []
    token = answer.json["linkToken"]
    page = client.get(f"/dialog/bot/accountLink?linkToken={token}&nonce=abcdefghij12")
    assert page.status_code == 200 and b"<form" in page.data
    assert client.post("/dialog/bot/accountLink", data={"linkToken": token, "nonce": "short"}).status_code == 400
    assert client.post("/dialog/bot/accountLink", data={"linkToken": "nope", "nonce": "abcdefghij12"}).status_code == 400

    done = client.post("/dialog/bot/accountLink", data={"linkToken": token, "nonce": "abcdefghij12"})
    assert done.json["result"] == "ok" and done.json["botStatus"] == 200
    again = client.post("/dialog/bot/accountLink", json={"linkToken": token, "nonce": "abcdefghij12"})
    assert again.json["result"] == "failed" and again.json["replyToken"] is None
    late = client.post(f"/v2/bot/user/{user}/linkToken", headers=AUTH).json["linkToken"]
    now[0] += 601
    assert client.post("/dialog/bot/accountLink", data={"linkToken": late, "nonce": "abcdefghij12"}).json["result"] \
        == "failed"
    events = [(e.type, e.link.result, e.link.nonce, e.source.user_id) for e in tiny_bot.events]
    assert events == [("accountLink", "ok", "abcdefghij12", user), ("accountLink", "failed", "abcdefghij12", user),
                      ("accountLink", "failed", "abcdefghij12", user)]
    assert tiny_bot.events[0].reply_token and tiny_bot.events[1].reply_token is None
