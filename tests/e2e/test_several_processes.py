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
import re
from collections import Counter
from datetime import datetime, timedelta

import pytest
import requests
from sqlalchemy import func, insert, select

from core.db import Database
from messaging import broadcasts
from messaging.models import Broadcast
from rewards.models import Coupon, Member, Outbox
from simulator.webhook_sender import WebhookSender

from ..conftest import ON_POSTGRES, TAIPEI
from ..processes import GUNICORN, Processes, answers, bot_env, wait_until

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (TEST_DATABASE_URL)")]

MEMBERS = 10_000
CHATTERS = 100  # members who ask for their points on each web server while the workers work
SECRET = "several-processes-secret"
BROADCAST_TEXT = "多程序廣播 several processes"
# short enough that the survivor soon takes over the dead worker's claim, long enough that a live
# sender gets through a good part of its claim of 2,000 rows (it gives back what is left at half the lease)
LEASE_SECONDS = 20


def user_id(n: int) -> str:
    return f"U{n:032x}"


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


@pytest.mark.skipif(not GUNICORN.exists(), reason="no gunicorn")
def test_two_workers_and_two_web_servers_on_one_database(database_url, tmp_path):
    db = Database(database_url)
    procs = Processes(tmp_path)
    try:
        sim_url = procs.simulator()
        settings = tmp_path / "settings.json"
        # no quiet hours, and the gifts of the 1st from midnight, whatever time the test runs
        settings.write_text(json.dumps({"quiet_start": "00:00", "quiet_end": "00:00", "birthday_send_hour": 0,
                                        "marketing_weekly_cap": 5}))
        env = bot_env(database_url, sim_url, SECRET, tmp_path, BOT_SETTINGS_FILE=str(settings),
                      OUTBOX_LEASE_SECONDS=str(LEASE_SECONDS), WORKER_INTERVALS="outbox=1")

        now = datetime.now(TAIPEI)
        born = seed_members(db, now)
        broadcast_id = schedule_broadcast(db, now)

        # the Procfile's `web`, one gunicorn worker each: two machines' worth; and its `worker`, twice
        webs = [procs.web(name, env) for name in ("web-1", "web-2")]
        for name in ("worker-1", "worker-2"):
            procs.worker(name, env)
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
        procs.kill("worker-1")
        survivor = procs.running["worker-2"]
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
