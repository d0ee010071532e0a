"""A label staff give in the console reaches every web process: another process (the Procfile's `web`,
gunicorn) that built its understanding before the label answers a wording never seen within seconds."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from bot.texts import text as text_of
from core.config import PROJECT_ROOT
from simulator.webhook_sender import WebhookSender

from ..conftest import TEST_SECRET, TEST_TOKEN
from ..console.conftest import login_as  # noqa: F401 (the fixture)
from .test_metrics_gunicorn import free_port

GUNICORN = Path(sys.executable).parent / "gunicorn"
USER = "U" + "4" * 31 + "c"


def _reply_to(line, token: str, seconds: float = 20) -> list[dict]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        bodies = [c.body for c in line.calls_to("/v2/bot/message/reply") if c.body and c.body["replyToken"] == token]
        if bodies:
            return bodies[0]["messages"]
        time.sleep(0.1)
    pytest.fail(f"no reply to {token} within {seconds:.0f} s")


@pytest.mark.skipif(not GUNICORN.exists(), reason="no gunicorn")
def test_a_label_given_in_the_console_is_understood_in_another_web_process(database_url, simulator_server, line,
                                                                           app, login_as, tmp_path):  # noqa: F811
    port = free_port()
    env = dict(os.environ, BOT_ENV="test", DATABASE_URL=database_url, LINE_API_URL=simulator_server.url,
               LINE_API_DATA_URL=simulator_server.url, LINE_CHANNEL_SECRET=TEST_SECRET,
               LINE_CHANNEL_ACCESS_TOKEN=TEST_TOKEN, SECRET_KEY="another-process-secret-key-32-chars!",
               BOT_PUBLIC_URL="https://bot.example.com", LOG_LEVEL="WARNING",
               PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "prometheus"))
    env.pop("WEB_CONCURRENCY", None)
    log = open(tmp_path / "web.log", "wb")
    web = subprocess.Popen([str(GUNICORN), "--workers", "1", "--threads", "4", "--bind", f"127.0.0.1:{port}",
                            "app:app"], cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                pytest.fail("gunicorn did not start: " + (tmp_path / "web.log").read_text(errors="replace")[-2000:])
            time.sleep(0.3)
        sender = WebhookSender(base + "/callback", TEST_SECRET)

        def ask(words: str) -> list[dict]:
            event = sender.text(USER, words)
            assert sender.post([event])[0] == 200
            return _reply_to(line, event["replyToken"])

        fallback = text_of("fallback", "zh-TW")
        # the other process builds its understanding and misses the shop's own word for points
        assert ask("我的豆豆幣")[0]["text"] == fallback
        assert ask("豆豆幣查詢")[0]["text"] == fallback

        marketer = login_as("marketer")
        page = marketer.get("/console/unanswered").get_data(as_text=True)
        key = page.split('class="miss-group" data-group="')[1].split('"')[0]
        assert marketer.post("/console/unanswered/label", {"group": key, "meaning": "points"}).status_code == 302

        time.sleep(2.5)  # bot/understanding/current.py: REFRESH_SECONDS
        answer = ask("請問豆豆幣目前累積多少")  # never seen by anyone
        assert answer[0].get("text") != fallback
    finally:
        web.terminate()
        web.wait(15)
        log.close()
