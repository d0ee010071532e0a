"""Several processes on one PostgreSQL: two workers and two web servers (the Procfile's `worker` and
`web`), with the LINE simulator in a process of its own as the LINE API.

10,000 members, a quarter of them born this month (store time), and a broadcast to all of them
scheduled now: both workers start together, so both try the birthday sweep and the broadcast sweep at
once, while members chat with the two web servers. One worker is killed (SIGKILL) while the outbox
is being sent; the other finishes, taking over what the dead one had claimed once its lease ran out
(OUTBOX_LEASE_SECONDS). Every member gets each message exactly once (counted in the simulator), each
sweep did its work in one run, and every chat message has one answer.
"""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, insert, select

from core.config import PROJECT_ROOT
from core.db import Database
from messaging import broadcasts
from messaging.models import Broadcast
from rewards.models import Coupon, Member, Outbox
from simulator.webhook_sender import WebhookSender

from ..conftest import ON_POSTGRES, TAIPEI
from .test_metrics_gunicorn import free_port

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (TEST_DATABASE_URL)")]

MEMBERS = 10_000
CHATTERS = 100  # members who ask for their points on each web server while the workers work
SECRET = "several-processes-secret"
BROADCAST_TEXT = "多程序廣播 several processes"
# short enough that the survivor soon takes over the dead worker's claim, long enough that a live
# sender gets through a good part of its claim of 2,000 rows (it gives back what is left at half the lease)
LEASE_SECONDS = 20
BIN = Path(sys.executable).parent


def user_id(n: int) -> str:
    return f"U{n:032x}"


def wait_until(what: str, ready, seconds: float, every: float = 0.2):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = ready()
        if result:
            return result
        time.sleep(every)
    pytest.fail(f"gave up waiting for {what} after {seconds:.0f} s")


def answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


class Processes:
    """The processes this test starts; each one's output goes to a log file of its own."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.running: dict[str, subprocess.Popen] = {}

    def start(self, name: str, argv: list[str], env: dict) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "wb")
        proc = subprocess.Popen(argv, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        log.close()
        self.running[name] = proc
        return proc

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")

    def stop_all(self) -> None:
        for proc in self.running.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.running.values():
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)


def seed_members(db: Database, now: datetime) -> list[int]:
    """MEMBERS members who joined long ago (no welcome journey), every fourth born this month."""
    long_ago = now - timedelta(days=400)
    with db.session() as s:
        s.execute(insert(Member), [
            dict(member_code=f"P{n:08d}", line_user_id=user_id(n), language="zh-TW", status="member",
                 is_blocked=False, marketing_opt_in=True, opt_in_changed_at=long_ago, tier="member", balance=0,
                 tags=[], birthday_month=now.month if n % 4 == 0 else (now.month % 12) + 1, birthday_day=n % 28 + 1,
                 created_at=long_ago, followed_at=long_ago, joined_at=long_ago, consent_at=long_ago)
            for n in range(MEMBERS)])
    return [n for n in range(MEMBERS) if n % 4 == 0]


def schedule_broadcast(db: Database, now: datetime) -> int:
    """The console's way: a draft to everyone (no segment), then scheduled for now."""
    with db.session(write=True) as s:
        b = broadcasts.save_draft(s, "several processes", None,
                                  broadcasts.Message(text_zh=BROADCAST_TEXT, text_en=BROADCAST_TEXT), "test", now)
        broadcasts.schedule(s, b, now, now)
        return b.id


def outbox_counts(db: Database) -> Counter:
    with db.session() as s:
        return Counter({(kind, status): n for kind, status, n in s.execute(
            select(Outbox.kind, Outbox.status, func.count()).group_by(Outbox.kind, Outbox.status))})


def deliveries(sim_url: str) -> dict[str, Counter]:
    """Per kind of message (broadcast, birthday, reply), how many times LINE delivered it to each user."""
    calls = requests.get(f"{sim_url}/__sim/calls", timeout=60).json()
    assert calls["errors"] == []
    got: dict[str, Counter] = {"broadcast": Counter(), "birthday": Counter(), "reply": Counter()}
    for call in calls["calls"]:
        if call["method"] != "POST" or call["status"] != 200:
            continue  # a 409 (a retry key already accepted) delivers nothing
        body = call["body"]
        if call["path"] == "/v2/bot/message/reply":
            got["reply"][body["replyToken"]] += 1
            continue
        if call["path"] == "/v2/bot/message/multicast":
            to = body["to"]
        elif call["path"] == "/v2/bot/message/push":
            to = [body["to"]]
        else:
            continue
        kind = "broadcast" if BROADCAST_TEXT in json.dumps(body["messages"], ensure_ascii=False) else "birthday"
        got[kind].update(to)
    return got


def sweep_runs(log: str, sweep: str) -> list[str]:
    """What each run of `sweep` in a worker's log said."""
    return re.findall(rf"sweep {re.escape(sweep)}: (.*)", log)


@pytest.mark.skipif(not (BIN / "gunicorn").exists(), reason="no gunicorn")
def test_two_workers_and_two_web_servers_on_one_database(database_url, tmp_path):
    db = Database(database_url)
    procs = Processes(tmp_path)
    try:
        sim_port = free_port()
        sim_url = f"http://127.0.0.1:{sim_port}"
        procs.start("simulator", [sys.executable, "-m", "simulator", "--port", str(sim_port), "--quota", "none"],
                    dict(os.environ, LOG_LEVEL="WARNING"))
        settings = tmp_path / "settings.json"
        # no quiet hours, and the gifts of the 1st from midnight, whatever time the test runs
        settings.write_text(json.dumps({"quiet_start": "00:00", "quiet_end": "00:00", "birthday_send_hour": 0,
                                        "marketing_weekly_cap": 5}))
        env = dict(os.environ, BOT_ENV="test", DATABASE_URL=database_url, LINE_API_URL=sim_url,
                   LINE_API_DATA_URL=sim_url, LINE_CHANNEL_SECRET=SECRET, LINE_CHANNEL_ACCESS_TOKEN="token",
                   SECRET_KEY="several-processes-secret-key-of-32-chars", BOT_SETTINGS_FILE=str(settings),
                   BOT_TIMEZONE="Asia/Taipei", LOG_LEVEL="INFO", OUTBOX_LEASE_SECONDS=str(LEASE_SECONDS),
                   WORKER_INTERVALS="outbox=1", PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "prometheus"))
        env.pop("WEB_CONCURRENCY", None)
        wait_until("the simulator", lambda: answers(f"{sim_url}/__sim/faults"), 30)

        now = datetime.now(TAIPEI)
        born = seed_members(db, now)
        broadcast_id = schedule_broadcast(db, now)

        webs = []
        for name in ("web-1", "web-2"):
            port = free_port()
            # the Procfile's `web`, one gunicorn worker each: two machines' worth
            procs.start(name, [str(BIN / "gunicorn"), "--workers", "1", "--threads", "4", "--bind",
                               f"127.0.0.1:{port}", "app:app"], env)
            webs.append(f"http://127.0.0.1:{port}")
        for name in ("worker-1", "worker-2"):  # the Procfile's `worker`
            procs.start(name, [sys.executable, "-m", "flask", "--app", "app", "worker"], env)
        for web in webs:
            wait_until(f"{web}/healthz", lambda web=web: answers(f"{web}/healthz"), 60)

        # members ask for their points, half of them of each web server
        sender = WebhookSender("unused", SECRET)
        chats, tokens = [], {}
        for i in range(2 * CHATTERS):
            event = sender.text(user_id(1 + 4 * i), "點數")
            tokens[event["replyToken"]] = event["source"]["userId"]
            chats.append((webs[i % 2], event))
        requests.post(f"{sim_url}/__sim/reply-tokens", json={"tokens": tokens}, timeout=30).raise_for_status()
        for web, event in chats:
            body = sender.body([event])
            assert requests.post(f"{web}/callback", data=body, timeout=30, headers={
                "Content-Type": "application/json", "X-Line-Signature": sender.sign(body)}).status_code == 200

        total = MEMBERS + len(born)
        wait_until("a third of the messages sent",
                   lambda: sum(n for (_, status), n in outbox_counts(db).items() if status == "sent") >= total // 3,
                   90, every=0.05)
        victim, survivor = procs.running["worker-1"], procs.running["worker-2"]
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait(10)
        assert sum(n for (_, status), n in outbox_counts(db).items() if status == "sent") < total, \
            "the kill came too late: everything was sent already"

        wait_until("every message sent", lambda: outbox_counts(db) == Counter(
            {("broadcast", "sent"): MEMBERS, ("birthday", "sent"): len(born)}), 300, every=0.5)
        assert survivor.poll() is None

        got = deliveries(sim_url)
        assert got["broadcast"] == Counter({user_id(n): 1 for n in range(MEMBERS)})
        assert got["birthday"] == Counter({user_id(n): 1 for n in born})

        with db.session() as s:
            coupons = Counter(s.scalars(select(Coupon.member_id).where(Coupon.kind == "birthday")))
            born_ids = set(s.scalars(select(Member.id).where(Member.line_user_id.in_([user_id(n) for n in born]))))
        assert set(coupons) == born_ids and set(coupons.values()) == {1}

        # each sweep did its work in one run; the other worker's run found it taken or done
        runs = {sweep: sweep_runs(procs.log("worker-1") + procs.log("worker-2"), sweep)
                for sweep in ("birthday-coupons", "broadcasts")}
        assert [r for r in runs["birthday-coupons"] if r != "issued 0 birthday coupons"
                and "another worker" not in r] == [f"issued {len(born)} birthday coupons"]
        assert [r for r in runs["broadcasts"] if r != "nothing due"
                and "another worker" not in r] == [f"queued #{broadcast_id}: {MEMBERS} messages"]
        with db.session() as s:
            assert s.scalar(select(Broadcast.status).where(Broadcast.id == broadcast_id)) == "queued"

        # every chat message has one answer, whichever web server took it
        replies = wait_until("every chat answered", lambda: (lambda r: r if sum(r.values()) >= len(chats) else None)(
            deliveries(sim_url)["reply"]), 60, every=1)
        assert replies == Counter({token: 1 for token in tokens})
    finally:
        procs.stop_all()
        db.dispose()
