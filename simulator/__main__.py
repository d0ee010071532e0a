"""python -m simulator --port 8081 --bot-url http://127.0.0.1:5000/callback --secret SECRET"""
import argparse
import json
import logging
import os
from pathlib import Path

from simulator.app import create_app
from simulator.platform import LinePlatform
from simulator.serving import simulator_server

HOST = "127.0.0.1"


def add_users(platform, users: list[dict]) -> None:
    """Users to play from the start (e.g. a bot's demo members, who are friends of the account already)."""
    for user in users:
        platform.add_user(user["userId"], user.get("displayName") or user["userId"][-4:], user.get("language", "zh-TW"))
        if user.get("friendship") in ("new", "friend", "blocked"):
            platform.set_friendship(user["userId"], user["friendship"])


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m simulator", description="A local fake of the LINE platform.")
    parser.add_argument("--port", type=int, default=int(os.environ.get("SIMULATOR_PORT", "8081")))
    parser.add_argument("--bot-url", default=os.environ.get("BOT_WEBHOOK_URL"),
                        help="the bot's webhook URL (env BOT_WEBHOOK_URL)")
    parser.add_argument("--secret", default=os.environ.get("LINE_CHANNEL_SECRET"),
                        help="the channel secret used to sign webhooks (env LINE_CHANNEL_SECRET)")
    parser.add_argument("--users", type=argparse.FileType(encoding="utf-8"),
                        help="a JSON list of LINE users to play, [{userId, displayName, language, friendship}]")
    parser.add_argument("--quota", default="1000",
                        help="the monthly message quota; 'none' or 0 for no limit (big broadcasts, benchmarks)")
    parser.add_argument("--liff", action="append", default=[], metavar="LIFF_ID=ENDPOINT_URL@CHANNEL_ID",
                        help="a LIFF app on a LINE Login channel: liff.line.me/LIFF_ID opens ENDPOINT_URL, its ID "
                             "tokens are for CHANNEL_ID (repeatable)")
    parser.add_argument("--mail-dir", type=Path, default=None,
                        help="the development mail server's folder (python -m simulator.mail_server --dir): "
                             "its mails are shown at /__sim/mail/page")
    args = parser.parse_args(argv)
    level = logging.getLevelName(os.environ.get("LOG_LEVEL", "INFO").upper())  # quiet with LOG_LEVEL=WARNING
    logging.basicConfig(level=level if isinstance(level, int) else logging.INFO,
                        format="%(levelname)s %(name)s: %(message)s")
    platform = LinePlatform(quota_limit=None if args.quota in ("none", "0") else int(args.quota))
    app = create_app(platform=platform, bot_url=args.bot_url, channel_secret=args.secret, mail_dir=args.mail_dir)
    if args.users:
        add_users(platform, json.load(args.users))
    for liff in args.liff:
        liff_id, _, rest = liff.partition("=")
        endpoint, _, channel = rest.rpartition("@")
        if not liff_id or not endpoint or not channel:
            parser.error(f"--liff {liff!r} is not LIFF_ID=ENDPOINT_URL@CHANNEL_ID")
        platform.liff.register(liff_id, endpoint, channel)
    server = simulator_server(app, HOST, args.port)
    print(f"LINE simulator chat: http://{HOST}:{server.server_port}/", flush=True)
    print(f"LINE API calls checked against: "
          f"{platform.spec.kind if platform.spec is not None else 'nothing (validation is OFF)'}", flush=True)
    if not args.bot_url or not args.secret:
        print("No --bot-url/--secret: the chat page cannot post webhooks to a bot.", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
