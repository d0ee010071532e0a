"""The chat page and its endpoints, against a tiny bot that answers through the simulator."""
import subprocess
import sys
from pathlib import Path

import requests

from simulator.testing import running_simulator

from .conftest import SECRET

PROJECT = Path(__file__).resolve().parents[2]


def test_the_page_and_its_assets_load_offline(client):
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    html = page.get_data(as_text=True)
    assert '<meta charset="utf-8">' in html and "http" not in html.replace("http-equiv", "")
    for asset in ("/__sim/static/chat.js", "/__sim/static/chat.css"):
        r = client.get(asset)
        assert r.status_code == 200 and asset.rsplit("/", 1)[1] in html
        r.close()


def test_a_user_chats_with_a_bot_through_the_page_endpoints(tiny_bot):
    with running_simulator(bot_url=tiny_bot.url, channel_secret=SECRET) as sim:
        def answer(event):
            if getattr(event, "reply_token", None):
                messages = [{"type": "text", "text": "你好",
                             "quickReply": {"items": [{"type": "action", "action": {
                                 "type": "postback", "label": "Join", "data": "action=join", "displayText": "Join"}}]}}]
                requests.post(sim.url + "/v2/bot/message/reply", timeout=5,
                              json={"replyToken": event.reply_token, "messages": messages},
                              headers={"Authorization": "Bearer t"})

        tiny_bot.on_event = answer
        user = requests.post(sim.url + "/__sim/users", json={"displayName": "阿美", "language": "zh-TW"}).json()["user"]
        uid = user["user_id"]
        base = f"{sim.url}/__sim/users/{uid}"
        assert requests.post(base + "/follow").json()["botStatus"] == 200
        assert requests.post(base + "/send", json={"text": "點數"}).json()["botStatus"] == 200
        assert requests.post(base + "/postback", json={"data": "action=join", "displayText": "Join"}).json()["botStatus"] == 200
        assert [type(e).__name__ for e in tiny_bot.events] == ["FollowEvent", "MessageEvent", "PostbackEvent"]
        assert tiny_bot.events[1].message.text == "點數"

        timeline = requests.get(base + "/timeline").json()
        assert timeline["user"]["friendship"] == "friend"
        seen = [(e["from"], e.get("text") or e["message"]["text"]) for e in timeline["entries"]]
        assert ("user", "點數") in seen and ("user", "Join") in seen
        assert [s for s in seen if s[0] == "bot"] == [("bot", "你好")] * 3
        assert sim.platform.errors() == []

        tiny_bot.status = 500
        assert requests.post(base + "/send", json={"text": "again"}).json()["botStatus"] == 500
        notes = [e["text"] for e in requests.get(base + "/timeline").json()["entries"] if e["from"] == "system"]
        assert "the bot answered the webhook with HTTP 500" in notes

        requests.post(base + "/block")
        assert sim.platform.user(uid).friendship == "blocked"
        assert type(tiny_bot.events[-1]).__name__ == "UnfollowEvent"


def test_without_a_bot_the_page_says_so(client):
    uid = client.post("/__sim/users", json={"displayName": "Bob", "language": "en"}).get_json()["user"]["user_id"]
    r = client.post(f"/__sim/users/{uid}/send", json={"text": "hi"})
    assert r.status_code == 503 and "--bot-url" in r.get_json()["error"]
    assert client.post("/__sim/users", json={"displayName": "X", "language": "fr"}).status_code == 400
    assert client.get("/__sim/users/Unobody/timeline").status_code == 404


def test_python_dash_m_simulator_starts_and_prints_its_address():
    proc = subprocess.Popen([sys.executable, "-m", "simulator", "--port", "0", "--bot-url", "http://127.0.0.1:9/callback",
                             "--secret", "s"], cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline().strip()
        assert line.startswith("LINE simulator chat: http://127.0.0.1:") and line.endswith("/")
        assert requests.get(line.split(": ", 1)[1], timeout=5).status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_python_dash_m_simulator_starts_with_users_to_play(tmp_path):
    import json

    users = tmp_path / "users.json"
    users.write_text(json.dumps([{"userId": "U" + "d" * 31 + "1", "displayName": "王小明", "language": "zh-TW",
                                  "friendship": "friend"}]), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "simulator", "--port", "0", "--users", str(users)], cwd=PROJECT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = proc.stdout.readline().strip().split(": ", 1)[1]
        listed = requests.get(url + "__sim/users", timeout=5).json()["users"]
        assert [(u["display_name"], u["friendship"]) for u in listed] == [("王小明", "friend")]
    finally:
        proc.terminate()
        proc.wait(10)
