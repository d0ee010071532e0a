"""Webhook events per second for the `points` question, against a bare echo bot on the same stack.

Both bots get the same signed bodies through Flask's test client and reply through line-bot-sdk to
the LINE simulator over local HTTP. The membership bot does everything it does in production
(signature, inbox insert and de-duplication, claim, member lookup, dispatch, commit, reply); its
events are processed inline (INBOX_MODE=sync) so the time includes the whole path.

    python bench/webhook_throughput.py [--events 500] [--database-url URL]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask, abort, request  # noqa: E402
from linebot.v3.messaging import (ApiClient, Configuration, MessagingApi, ReplyMessageRequest,  # noqa: E402
                                  TextMessage)
from linebot.v3.webhook import WebhookParser  # noqa: E402
from linebot.v3.webhooks import MessageEvent, TextMessageContent  # noqa: E402

from core import migrate  # noqa: E402
from core.clock import FixedClock  # noqa: E402
from simulator.testing import running_simulator  # noqa: E402
from simulator.webhook_sender import WebhookSender  # noqa: E402

SECRET = "bench-channel-secret"


def echo_bot(api_url: str) -> Flask:
    """The baseline: what line-bot-sdk's smallest example does, with a timeout."""
    app = Flask("echo")
    parser = WebhookParser(SECRET)
    api = MessagingApi(ApiClient(Configuration(access_token="t", host=api_url)))

    @app.post("/callback")
    def callback():
        try:
            events = parser.parse(request.get_data(as_text=True), request.headers.get("X-Line-Signature", ""))
        except Exception:  # noqa: BLE001
            abort(400)
        for event in events:
            if isinstance(event, MessageEvent) and isinstance(event.message, TextMessageContent):
                api.reply_message(ReplyMessageRequest(reply_token=event.reply_token,
                                                      messages=[TextMessage(text=event.message.text)]),
                                  _request_timeout=10)
        return "OK"

    return app


def membership_bot(api_url: str, database_url: str) -> Flask:
    from app import create_app

    migrate.upgrade(database_url)
    clock = FixedClock(datetime(2026, 11, 20, 14, 0, tzinfo=ZoneInfo("Asia/Taipei")))
    return create_app({"BOT_ENV": "test", "DATABASE_URL": database_url, "LINE_API_URL": api_url,
                       "LINE_API_DATA_URL": api_url, "LINE_CHANNEL_SECRET": SECRET,
                       "LINE_CHANNEL_ACCESS_TOKEN": "t", "SECRET_KEY": "k", "INBOX_MODE": "sync"}, clock=clock)


def run(app: Flask, sender: WebhookSender, user_ids: list[str], events: int, words: str) -> float:
    client = app.test_client()
    bodies = []
    for i in range(events):
        event = sender.text(user_ids[i % len(user_ids)], words)
        body = sender.body([event])
        bodies.append((body, sender.sign(body)))
    started = time.perf_counter()
    for body, signature in bodies:
        response = client.post("/callback", data=body, content_type="application/json",
                               headers={"X-Line-Signature": signature})
        if response.status_code != 200:
            raise SystemExit(f"webhook answered {response.status_code}")
    return events / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    args = parser.parse_args()
    database_url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"

    with running_simulator() as sim:
        sender = WebhookSender("http://unused.invalid/callback", SECRET, platform=sim.platform)
        sender_validate = sender.validate
        sender.validate = lambda body: None  # bodies are checked in the tests; here it would dominate
        bot = membership_bot(sim.url, database_url)
        users = [f"U{i:032x}" for i in range(args.members)]
        client = bot.test_client()
        for uid in users:  # join everyone first so `points` finds a member
            sender.post_to_client(client, [sender.follow(uid)], validate=False)
            sender.post_to_client(client, [sender.postback(uid, "action=join")], validate=False)
        sim.platform.reset()

        bot_rate = run(bot, sender, users, args.events, "點數")
        echo_rate = run(echo_bot(sim.url), sender, users, args.events, "點數")
        errors = sim.platform.errors()
        sender.validate = sender_validate
        bot.extensions["bot"].db.dispose()

    print(f"database: {database_url.split(':')[0]}  events: {args.events}  members: {args.members}")
    print(f"membership bot (points question): {bot_rate:8.1f} events/s  ({1000 / bot_rate:.2f} ms/event)")
    print(f"bare echo bot (baseline):         {echo_rate:8.1f} events/s  ({1000 / echo_rate:.2f} ms/event)")
    print(f"ratio bot/echo: {bot_rate / echo_rate:.2f}")
    if errors:
        raise SystemExit(f"{len(errors)} calls broke LINE's spec, e.g. {errors[0]}")


if __name__ == "__main__":
    main()
