"""One chaos run: seed, start the processes, run the traffic and the faults for `minutes`, stop the
faults, let the system settle, check the invariants.

The randomness (who says what when, which order is refunded, which fault when) comes from one seed,
printed first, so a failure can be replayed: `python -m tests.chaos --seed N --database-url URL`
(CHAOS_SEED for the pytest run). `--minutes` (CHAOS_MINUTES) sets how long the traffic and the faults
go on: CI runs 1.5 minutes of it (about 5 minutes in all); longer is a soak.
"""
from __future__ import annotations

import argparse
import itertools
import os
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable, Iterator
from zoneinfo import ZoneInfo

import requests
from sqlalchemy import func, select, text

from core.db import Database
from core.models import InboxEvent
from rewards.models import Coupon, Outbox
from bot.outbox.models import OutboxBatch

from . import invariants, traffic
from ..turned_away import terminate_connections
from .system import APPLICATION_NAME, LINE_TIMEOUT_SECONDS, WEBS, WORKERS, Moment, System, seed as seed_data

TAIPEI = ZoneInfo("Asia/Taipei")
MEMBERS = 5_000  # the broadcast's audience (and the birthday sweep's: a twelfth born this month)
CHATTING_MEMBERS = 150  # members among them who chat
NEW_FRIENDS = 150  # LINE users who follow and join while it runs
COUPONS = 60  # campaign coupons, each presented at three tills at once
SHOPS = 3  # tills sending orders and refunds
SETTLE_SECONDS = 150.0  # at most, after the faults stop, for every event and message to be done
LINE_PATHS = r"^/v2/bot/message/(reply|push|multicast)$"
SEND_PATHS = r"^/v2/bot/message/(push|multicast)$"


@dataclass
class Outcome:
    seed: int
    minutes: float
    seconds: float = 0.0
    figures: Counter = field(default_factory=Counter)
    moments: list[Moment] = field(default_factory=list)
    problems: dict[str, list[str]] = field(default_factory=dict)
    logs: Path | None = None

    def summary(self) -> str:
        kinds = Counter(f"{m.what} {m.target.rstrip('-12')}" for m in self.moments)
        return (f"chaos seed {self.seed}: {self.minutes:g} min of traffic, {self.seconds:.0f} s in all; "
                + ", ".join(f"{k} {v}" for k, v in sorted(self.figures.items())) + "; faults: "
                + ", ".join(f"{k} ×{v}" for k, v in sorted(kinds.items())))


# (what, target, how many per minute of traffic)
FAULTS = (("kill", "web", 2), ("kill", "worker", 2), ("terminate", "database", 3),
          ("line", "429", 2), ("line", "500", 2), ("line", "timeout", 2))


def fault_plan(rng: random.Random, seconds: float) -> list[tuple[float, str, str]]:
    """(when, what, target) at random moments of the traffic's planned window, a few of each kind per
    minute; kills alternate between the two web servers and the two workers."""
    per_minute = max(seconds / 60.0, 1.0)
    plan = []
    for what, target, n in FAULTS:
        for k in range(round(n * per_minute)):
            plan.append((rng.uniform(5.0, max(seconds - 10.0, 6.0)), what,
                         f"{target}-{k % 2 + 1}" if what == "kill" else target))
    return sorted(plan)


def more_faults(rng: random.Random, after: float, seconds: float) -> Iterator[tuple[float, str, str]]:
    """Once the plan is done and the traffic still goes on (a slow machine), faults at the same rate."""
    per_second = sum(n for _, _, n in FAULTS) / 60.0
    at = after
    while True:
        at += rng.expovariate(per_second)
        what, target, _n = rng.choice(FAULTS)
        yield at, what, f"{target}-{rng.randint(1, 2)}" if what == "kill" else target


def apply_faults(system: System, db: Database, journal: traffic.Journal, rng: random.Random, seconds: float,
                 moments: list[Moment], traffic_done: threading.Event) -> None:
    plan = fault_plan(rng, seconds)
    for at, what, target in itertools.chain(plan, more_faults(rng, max(seconds - 10.0, 6.0), seconds)):
        wait = at - journal.now()
        if traffic_done.wait(max(wait, 0)):
            return
        moment = Moment(what, target, journal.now())
        moments.append(moment)
        if what == "kill":
            moment.back_at = system.kill_and_restart(target, rng.uniform(1.0, 3.0))
        elif what == "terminate":
            moment.target = f"database ({terminate_connections(db, application_name=APPLICATION_NAME)} connections)"
        elif target == "429":
            system.line_fault(LINE_PATHS, 429, rng.randint(2, 4), headers={"Retry-After": "1"})
        elif target == "500":
            system.line_fault(LINE_PATHS, 500, rng.randint(2, 4))
        else:  # LINE answers after the bot stopped waiting (and delivers): only where a retry key makes a retry safe
            system.line_fault(SEND_PATHS, None, rng.randint(1, 3), delay=LINE_TIMEOUT_SECONDS + 1.0)


def settled(db: Database, now: datetime, born: int) -> bool:
    with db.session() as s:
        unfinished = s.scalar(select(func.count()).select_from(InboxEvent).where(
            InboxEvent.status.in_(("pending", "processing"))))
        unsent = s.scalar(select(func.count()).select_from(Outbox).where(
            Outbox.status.in_(("pending", "sending")), Outbox.not_before <= now))
        batches = s.scalar(select(func.count()).select_from(OutboxBatch).where(
            OutboxBatch.status.in_(("pending", "sending"))))
        gifts = s.scalar(select(func.count()).select_from(Coupon).where(Coupon.kind == "birthday"))
        broadcast = s.scalar(select(func.count()).select_from(Outbox).where(Outbox.kind == "broadcast"))
    return unfinished == 0 and unsent == 0 and batches == 0 and gifts >= born and broadcast > 0


def run(database_url: str, folder: Path, seed: int, minutes: float, log=print) -> Outcome:
    outcome = Outcome(seed, minutes, logs=folder)
    log(f"chaos: seed {seed} (replay with CHAOS_SEED={seed}), {minutes:g} min of traffic, logs in {folder}")
    began = time.monotonic()
    rng = random.Random(seed)
    seconds = minutes * 60.0
    db = Database(database_url)
    system = System.start(folder, database_url)
    try:
        now = datetime.now(TAIPEI)
        seeded = seed_data(db, now, MEMBERS, CHATTING_MEMBERS, NEW_FRIENDS, COUPONS,
                           broadcast_at=now + timedelta(seconds=min(20.0, seconds / 4)))
        system.start_bot()
        journal = traffic.Journal(started=time.monotonic())
        system.started = journal.started
        line = traffic.Line(system, journal)
        traffic_done = threading.Event()
        jobs = [threading.Thread(target=traffic.chat, args=(line, seeded, seed, seconds, now), name="chat")]
        jobs += [threading.Thread(target=traffic.shop, args=(system, journal, seeded, seed, i, seconds, now),
                                  name=f"shop-{i}") for i in range(SHOPS)]
        jobs.append(threading.Thread(target=traffic.redeem_coupons, args=(system, journal, seeded, seed, seconds - 5),
                                     name="coupons"))
        faults = threading.Thread(target=apply_faults, args=(system, db, journal, rng, seconds, outcome.moments,
                                                             traffic_done), name="faults")
        for job in [*jobs, faults]:
            job.start()
        for job in jobs:
            job.join()
        traffic_done.set()
        faults.join()
        log(f"chaos: traffic done at {journal.now():.0f} s, {len(outcome.moments)} faults; settling")
        # the faults stop: LINE answers again, every process runs, the database's connections are left alone
        system.clear_line_faults()
        restarted = system.ensure_running()
        if restarted:
            outcome.problems["processes"] = [f"{name} had stopped by itself" for name in restarted]
        deadline = time.monotonic() + SETTLE_SECONDS
        while time.monotonic() < deadline and not settled(db, datetime.now(TAIPEI), len(seeded.born_this_month)):
            time.sleep(2)
        time.sleep(3)  # a reply or a push under way when the rows said done
        log(f"chaos: settled at {journal.now():.0f} s" if settled(db, datetime.now(TAIPEI), len(seeded.born_this_month))
            else f"chaos: not settled after {SETTLE_SECONDS:.0f} s")
        outcome.problems.update(check(db, system, journal, outcome.moments))
        outcome.figures = traffic.figures(journal) + delivered(system)
        outcome.figures["kills"] = sum(1 for m in outcome.moments if m.what == "kill")
    finally:
        system.stop()
        db.dispose()
        outcome.seconds = time.monotonic() - began
    log(outcome.summary())
    return outcome


def check(db: Database, system: System, journal: traffic.Journal, moments: list[Moment]) -> dict[str, list[str]]:
    calls = requests.get(f"{system.sim_url}/__sim/calls", timeout=120).json()
    record = invariants.LineRecord.of(calls)
    with db.session() as s:
        outbox_problems, outside = invariants.outbox_delivered_once(s, record)
        return {
            "balance = sum of the ledger, never negative": invariants.balances(s),
            "every webhook event answered exactly once": invariants.events_answered_once(
            journal, record, outside, why=what_the_logs_say(system, s)),
            "every outbox message delivered exactly once": outbox_problems,
            "each member's messages delivered in the order they were made": invariants.in_order_made(s, record),
            "each order credited once, each refund reversed once": invariants.orders_once(s, journal),
            "each coupon redeemed at most once": invariants.coupons_at_most_once(s, journal),
            "no row stuck claimed or leased": invariants.nothing_stuck(s, datetime.now(TAIPEI)),
            "no 5xx outside the moments of the kills": invariants.no_5xx_outside_kills(journal, moments),
            "no call breaks LINE's spec": record.spec_errors[:20],
        }


def what_the_logs_say(system: System, s) -> Callable[[str], str]:
    """For an event left without a reply: its inbox row and the bot's log lines naming it."""
    logs = [line for name in (*WEBS, *WORKERS) for line in system.procs.log(name).splitlines()]

    def why(event_id: str) -> str:
        row = s.execute(select(InboxEvent.status, InboxEvent.attempts, InboxEvent.error).where(
            InboxEvent.webhook_event_id == event_id)).first()
        said = [line.split(": ", 1)[-1][:160] for line in logs if event_id in line]
        return (f"inbox {tuple(row) if row else 'no row'}; "
                + ("; ".join(said) if said else "no log line: no reply was tried after it was done"))
    return why


def delivered(system: System) -> Counter:
    calls = requests.get(f"{system.sim_url}/__sim/calls", timeout=120).json()["calls"]
    figures = Counter()
    for call in calls:
        if call["status"] == 200 and call["path"] == "/v2/bot/message/reply":
            figures["replies"] += 1
        elif call["status"] == 200 and call["path"] in invariants.SENDS:
            to = call["body"]["to"]
            figures["messages pushed"] += 1 if isinstance(to, str) else len(to)
        elif call["path"].startswith("/v2/bot/message/") and call["status"] != 200:
            figures["LINE calls refused or failed"] += 1
    return figures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.chaos", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("TEST_DATABASE_URL", ""),
                        help="a PostgreSQL database of its own: emptied and migrated first (TEST_DATABASE_URL)")
    parser.add_argument("--minutes", type=float, default=float(os.environ.get("CHAOS_MINUTES", "1.5")))
    parser.add_argument("--seed", type=int, default=int(os.environ.get("CHAOS_SEED") or random.randrange(10**6)))
    args = parser.parse_args(argv)
    if not args.database_url.startswith("postgres"):
        parser.error("--database-url must name a PostgreSQL database (the test's own: it is emptied)")
    prepare_database(args.database_url)
    folder = Path(tempfile.mkdtemp(prefix="chaos-"))
    outcome = run(args.database_url, folder, args.seed, args.minutes)
    broken = {name: problems for name, problems in outcome.problems.items() if problems}
    for name, problems in broken.items():
        print(f"BROKEN: {name}: {len(problems)}", *problems[:10], sep="\n  ")
    print("all invariants hold" if not broken else f"{len(broken)} invariants broken; logs in {folder}")
    return 1 if broken else 0


def prepare_database(url: str) -> None:
    """A fresh schema, as the suite makes one (tests/conftest.py)."""
    import models_registry  # noqa: F401
    from rewards.models import Base

    db = Database(url)
    with db.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    Base.metadata.create_all(db.engine)
    db.dispose()


if __name__ == "__main__":
    sys.exit(main())
