"""The system under test: its data (seeded straight into the database) and its processes."""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import requests
from sqlalchemy import insert

from api.keys import create_key
from core.db import Database
from messaging import broadcasts
from rewards import catalog, coupons
from rewards.models import Member

from ..processes import Processes, answers, bot_env, wait_until

SECRET = "chaos-channel-secret"
BROADCAST_TEXT = "混沌廣播 chaos broadcast"
APPLICATION_NAME = "chaos-bot"
WEBS = ("web-1", "web-2")
WORKERS = ("worker-1", "worker-2")
LINE_TIMEOUT_SECONDS = 2.0
# a dead worker's outbox claim is taken over this soon (the settling must fit in CI's minutes)
OUTBOX_LEASE_SECONDS = 15
# the sweeps fall due again and again while the faults go on (their own intervals are hours)
WORKER_INTERVALS = ("outbox=1,inbox-sweeper=2,broadcasts=2,worker-heartbeat=5,birthday-coupons=15,"
                    "points-expiry=20,tier-review=20,welcome-journey=20,survey-invitations=20,content-drip=30,"
                    "tier-keep-warnings=30,repurchase-reminders=30")


def user_id(n: int) -> str:
    return f"U{n:032x}"


def member_code(n: int) -> str:
    return f"C{n:08d}"


@dataclass
class Seeded:
    members: int  # C00000000 ... (LINE users user_id(0) ...)
    born_this_month: list[int]
    chatting_members: list[int]  # members among them who chat (no birthday set yet)
    new_friends: list[int]  # LINE users who are not members yet: they follow and join while it runs
    reward_id: int
    coupon_codes: list[str]
    api_key: str
    broadcast_id: int


def seed(db: Database, now: datetime, members: int, chatting: int, new_friends: int, coupons_n: int,
         broadcast_at: datetime) -> Seeded:
    """Members who joined long ago (a twelfth born this month), a catalog reward, campaign coupons for
    the tills, an API key and a broadcast to everyone that falls due at `broadcast_at`."""
    long_ago = now - timedelta(days=400)
    chatting_members = list(range(chatting))
    born = [n for n in range(chatting, members) if n % 12 == 0]
    born_ids = set(born)
    with db.session() as s:
        s.execute(insert(Member), [
            dict(member_code=member_code(n), line_user_id=user_id(n), display_name=f"會員{n}", language="zh-TW",
                 status="member", is_blocked=False, marketing_opt_in=True, opt_in_changed_at=long_ago, tier="member",
                 balance=0, tags=[], created_at=long_ago, followed_at=long_ago, joined_at=long_ago,
                 consent_at=long_ago, tier_since=long_ago,
                 birthday_month=None if n < chatting else (now.month if n in born_ids else now.month % 12 + 1),
                 birthday_day=None if n < chatting else n % 28 + 1)
            for n in range(members)])
    with db.session(write=True) as s:
        reward = catalog.create_reward(s, "混沌咖啡", "Chaos coffee", 50, 100, now)
        holders = {m.id: m for m in s.query(Member).filter(Member.member_code.in_(
            [member_code(n) for n in range(chatting, chatting + coupons_n)]))}
        codes = [coupons.issue(s, m, "campaign", 100, now + timedelta(days=30), now, ("混沌券", "Chaos coupon")).code
                 for m in holders.values()]
        _row, key = create_key(s, "chaos-pos", now)
        b = broadcasts.save_draft(s, "chaos", None, broadcasts.Message(text_zh=BROADCAST_TEXT, text_en=BROADCAST_TEXT),
                                  "chaos", now)
        broadcasts.schedule(s, b, broadcast_at, now)
        ids = (reward.id, b.id)
    first_new = members + 1_000_000
    return Seeded(members, born, chatting_members, list(range(first_new, first_new + new_friends)), ids[0], codes,
                  key, ids[1])


@dataclass
class Moment:
    """A fault and when (seconds since the traffic began); for a kill, when its process was back."""
    what: str
    target: str
    at: float
    back_at: float | None = None


@dataclass
class System:
    """Two web servers behind a (client-side) balancer, two workers, the simulator; kills and restarts."""

    procs: Processes
    sim_url: str
    webs: dict[str, str]
    env: dict
    started: float = field(default_factory=time.monotonic)

    @classmethod
    def start(cls, folder: Path, database_url: str) -> "System":
        procs = Processes(folder)
        sim_url = procs.simulator()
        settings = folder / "settings.json"
        # no quiet hours and the birthday gifts from midnight, whatever time it runs; a cap high
        # enough that the broadcast reaches everyone
        settings.write_text(json.dumps({"quiet_start": "00:00", "quiet_end": "00:00", "birthday_send_hour": 0,
                                        "marketing_weekly_cap": 20}))
        # the bot's connections carry a name, so that only they are terminated (not the test's own)
        bot_url = database_url + ("&" if "?" in database_url else "?") + f"application_name={APPLICATION_NAME}"
        env = bot_env(bot_url, sim_url, SECRET, folder, BOT_SETTINGS_FILE=str(settings),
                      OUTBOX_LEASE_SECONDS=str(OUTBOX_LEASE_SECONDS), WORKER_INTERVALS=WORKER_INTERVALS,
                      LINE_TIMEOUT_SECONDS=str(LINE_TIMEOUT_SECONDS), INBOX_MODE="thread")
        system = cls(procs, sim_url, {}, env)
        return system

    def start_bot(self) -> None:
        for name in WEBS:
            self.webs[name] = self.procs.web(name, self.env)
        for name in WORKERS:
            self.procs.worker(name, self.env)
        for name in WEBS:
            self.wait_web(name, 90)

    def wait_web(self, name: str, seconds: float) -> None:
        url = self.webs[name]
        wait_until(f"{url}/healthz", lambda: answers(f"{url}/healthz"), seconds)

    def kill_and_restart(self, name: str, down_for: float) -> float:
        """SIGKILL, `down_for` seconds dead, started again as a process manager would; the seconds
        (since the traffic began) when it was back (a web server: answering /healthz)."""
        self.procs.kill(name)
        time.sleep(down_for)
        self.procs.restart(name)
        if name in self.webs:
            self.wait_web(name, 90)
        return time.monotonic() - self.started

    def ensure_running(self) -> list[str]:
        """Start again whatever is not running (it should all be); the names of those that were not."""
        dead = [name for name, proc in self.procs.running.items() if proc.poll() is not None and name != "simulator"]
        for name in dead:
            self.procs.restart(name)
            if name in self.webs:
                self.wait_web(name, 90)
        return dead

    def line_fault(self, path_regex: str, status: int | None, count: int, delay: float = 0.0,
                   headers: dict | None = None) -> None:
        requests.post(f"{self.sim_url}/__sim/faults", json={"path_regex": path_regex, "status": status, "count": count,
                                                            "delay": delay, "headers": headers or {}},
                      timeout=10).raise_for_status()

    def clear_line_faults(self) -> None:
        requests.delete(f"{self.sim_url}/__sim/faults", timeout=10).raise_for_status()

    def stop(self) -> None:
        self.procs.stop_all()
