"""A real web process (gunicorn) killed with SIGKILL after an event's effects and answer were committed
and while its reply was on its way to LINE (the simulator, in a process of its own, holding the
call). Each event is then answered exactly once, by the simulator's record:

* A: LINE never got the reply (the held call fails); LINE's redelivery, taken by a restarted web
  process, answers through the still-fresh reply token;
* B: LINE did get it (the held call goes through after the kill); the redelivery's try is refused
  (the token is used), so nothing goes twice, and the event counts as answered;
* C: LINE never got it, and nobody came back until the token was stale; the worker's inbox-sweeper
  pushes the answer, under its retry key.

Three web processes start together (three machines behind a load balancer); LINE's redelivery goes
to one that is alive.
"""
from __future__ import annotations

import json
import os
import signal
import sys
import time
from collections import Counter

import pytest
import requests
from sqlalchemy import select

from core.db import Database
from core.models import InboxEvent
from simulator.webhook_sender import WebhookSender

from .test_metrics_gunicorn import free_port
from ..processes import BIN, Processes, answers, wait_until

SECRET = "answered-after-kill-secret"
LINE_TIMEOUT = 3  # a retry waits LINE_TIMEOUT + 1 s for a try that may still be on its way
HELD = 2.0  # how long the simulator holds the reply call before answering it


def user(n: int) -> str:
    return f"U{n:032x}"


@pytest.mark.skipif(not (BIN / "gunicorn").exists(), reason="no gunicorn")
def test_a_reply_lost_or_not_with_a_killed_web_process_goes_exactly_once(database_url, tmp_path):
    db = Database(database_url)
    procs = Processes(tmp_path)
    try:
        sim_url = f"http://127.0.0.1:{free_port()}"
        procs.start("simulator", [sys.executable, "-m", "simulator", "--port", sim_url.rsplit(":", 1)[1],
                                  "--quota", "none"], dict(os.environ, LOG_LEVEL="WARNING"))
        env = dict(os.environ, BOT_ENV="test", DATABASE_URL=database_url, LINE_API_URL=sim_url,
                   LINE_API_DATA_URL=sim_url, LINE_CHANNEL_SECRET=SECRET, LINE_CHANNEL_ACCESS_TOKEN="token",
                   SECRET_KEY="answered-after-kill-secret-key-of-32-chars", LOG_LEVEL="INFO",
                   LINE_TIMEOUT_SECONDS=str(LINE_TIMEOUT), WORKER_INTERVALS="inbox-sweeper=1", PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "prometheus"))
        env.pop("WEB_CONCURRENCY", None)
        wait_until("the simulator", lambda: answers(f"{sim_url}/__sim/faults"), 30)
        sender = WebhookSender("unused", SECRET)
        webs = {}
        for name in ("web-1", "web-2", "web-3"):
            port = free_port()
            procs.start(name, [str(BIN / "gunicorn"), "--workers", "1", "--threads", "2", "--bind",
                               f"127.0.0.1:{port}", "app:app"], env)
            webs[name] = f"http://127.0.0.1:{port}"
        for name, base in webs.items():
            wait_until(f"{name}/healthz", lambda base=base: answers(f"{base}/healthz"), 90)

        def post(base: str, event: dict) -> None:
            body = sender.body([event])
            assert requests.post(f"{base}/callback", data=body, timeout=30, headers={
                "Content-Type": "application/json", "X-Line-Signature": sender.sign(body)}).status_code == 200

        def row(event: dict) -> InboxEvent | None:
            with db.session() as s:
                return s.scalars(select(InboxEvent).where(
                    InboxEvent.webhook_event_id == event["webhookEventId"])).one_or_none()

        def hold_the_next_reply(status: int | None) -> None:
            """The next reply call is held HELD seconds, then answered `status` (delivering nothing), or
            normally (None)."""
            requests.post(f"{sim_url}/__sim/faults", timeout=10, json={
                "path_regex": "/v2/bot/message/reply$", "status": status, "delay": HELD}).raise_for_status()

        def killed_mid_reply(base: str, name: str, event: dict) -> None:
            """Post the event and kill the web process while its reply is held by LINE."""
            requests.post(f"{sim_url}/__sim/reply-tokens", timeout=10,
                          json={"tokens": {event["replyToken"]: event["source"]["userId"]}}).raise_for_status()
            post(base, event)
            wait_until("the answer committed", lambda: (r := row(event)) is not None and r.status == "answering", 30,
                       every=0.02)
            time.sleep(HELD / 4)  # the reply call is on its way now (the effects before it take no time here)
            os.killpg(procs.running[name].pid, signal.SIGKILL)
            procs.running[name].wait(10)
            time.sleep(HELD)  # LINE has dealt with the held call by now

        def answered(event: dict, seconds: float = 30) -> InboxEvent:
            def settled():
                found = row(event)
                return found if found.status != "answering" else None
            return wait_until("the event answered", settled, seconds, every=0.1)

        def redelivered_after_a_kill(event: dict, held_status: int | None, killed: str, alive: str) -> InboxEvent:
            hold_the_next_reply(held_status)
            killed_mid_reply(webs[killed], killed, event)
            time.sleep(LINE_TIMEOUT + 1)
            post(webs[alive], dict(event, deliveryContext={"isRedelivery": True}))
            return answered(event)

        # A: the reply never reached LINE; the redelivery answers through the fresh token
        a = sender.text(user(0xA), "點數")
        got_a = redelivered_after_a_kill(a, 500, "web-1", "web-2")
        assert (got_a.status, got_a.answered_by) == ("done", "reply")
        # B: the reply reached LINE just as the process died; the redelivery sends nothing more
        b = sender.text(user(0xB), "點數")
        got_b = redelivered_after_a_kill(b, None, "web-2", "web-3")
        assert (got_b.status, got_b.answered_by) == ("done", "reply")

        # C: the reply never reached LINE, and nothing came back until the token was stale (the
        # worker's REPLY_AS_PUSH_AFTER_SECONDS stands for the minute it would take)
        c = sender.text(user(0xC), "點數")
        hold_the_next_reply(500)
        killed_mid_reply(webs["web-3"], "web-3", c)
        procs.start("worker", [sys.executable, "-m", "flask", "--app", "app", "worker"],
                    dict(env, REPLY_AS_PUSH_AFTER_SECONDS="1"))
        got_c = answered(c, 90)
        assert (got_c.status, got_c.answered_by) == ("done", "push")

        calls = requests.get(f"{sim_url}/__sim/calls", timeout=30).json()
        assert calls["errors"] == []
        replies = Counter()
        for call in calls["calls"]:
            if call["path"] == "/v2/bot/message/reply":
                replies[(call["body"]["replyToken"], call["status"])] += 1
        assert replies[(a["replyToken"], 500)] == 1 and replies[(a["replyToken"], 200)] == 1
        assert replies[(b["replyToken"], 200)] == 1 and replies[(b["replyToken"], 400)] == 1
        assert replies[(c["replyToken"], 500)] == 1 and replies[(c["replyToken"], 200)] == 0
        pushes = [call for call in calls["calls"] if call["path"] == "/v2/bot/message/push"]
        assert [(p["body"]["to"], p["status"]) for p in pushes] == [(user(0xC), 200)]
        assert "點" in json.dumps(pushes[0]["body"]["messages"], ensure_ascii=False)
    finally:
        procs.stop_all()
        db.dispose()
