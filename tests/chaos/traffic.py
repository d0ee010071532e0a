"""The traffic: LINE delivering members' events (signed webhooks, redelivered when the bot does not
answer 200, as LINE does) and the shops' tills and web shop calling the API (replayed until they get
an answer, as a POS does). Everything sent and every answer is written down for the invariants."""
from __future__ import annotations

import random
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import requests

from simulator.webhook_sender import WebhookSender

from ..api.live_server import all_at_once
from .system import SECRET, Seeded, System, member_code, user_id

REDELIVER_FOR = 120.0  # seconds LINE keeps redelivering an event the bot did not take
ANSWER_FOR = 120.0  # seconds a till keeps replaying a request that got no answer
HARD_STOP = 60.0  # seconds past the planned traffic after which no new chat event starts
READ_FOR = 20.0  # seconds a person waits for the answer before writing again anyway


@dataclass
class Answer:
    """One HTTP exchange with the bot: what, to which server, when (seconds since the start), status
    (None: no answer, e.g. the connection was cut by a kill)."""
    what: str
    server: str
    at: float
    status: int | None


@dataclass
class SentEvent:
    event_id: str
    user_id: str
    type: str
    reply_token: str | None
    taken: bool = False  # the bot answered LINE's POST 200 (at some delivery)
    deliveries: int = 0


@dataclass
class Journal:
    """Everything the traffic did, for the invariants and the figures."""
    started: float
    answers: list[Answer] = field(default_factory=list)
    events: list[SentEvent] = field(default_factory=list)
    orders: dict[str, dict] = field(default_factory=dict)  # order_id -> {member_code, amount, body, answer}
    order_replays: list[tuple[str, int, dict]] = field(default_factory=list)  # (order_id, status, body)
    refunds: dict[str, dict] = field(default_factory=dict)  # refund_id -> {order_id, amount, status, body}
    refund_replays: list[tuple[str, int]] = field(default_factory=list)
    redemptions: dict[str, list[int | None]] = field(default_factory=dict)  # coupon code -> each till's status
    not_sent: int = 0  # chat events left out: the traffic ran past its hard stop
    lock: threading.Lock = field(default_factory=threading.Lock)

    def now(self) -> float:
        return time.monotonic() - self.started

    def answer(self, what: str, server: str, status: int | None) -> None:
        with self.lock:
            self.answers.append(Answer(what, server, self.now(), status))


class Line:
    """LINE's side of the webhook: each event signed and POSTed to one of the web servers; anything
    but a 200 (no answer, a 5xx) is redelivered to the other with isRedelivery set."""

    def __init__(self, system: System, journal: Journal):
        self.system = system
        self.journal = journal
        self.sender = WebhookSender("unused", SECRET)
        self.http = threading.local()

    def session(self) -> requests.Session:
        if not hasattr(self.http, "session"):
            self.http.session = requests.Session()
        return self.http.session

    def deliver(self, event: dict, first_server: int) -> None:
        sent = SentEvent(event["webhookEventId"], event["source"]["userId"], event["type"], event.get("replyToken"))
        with self.journal.lock:
            self.journal.events.append(sent)
        if sent.reply_token:  # LINE mints the reply token as it delivers the event (valid 60 s)
            requests.post(f"{self.system.sim_url}/__sim/reply-tokens", json={"tokens": {sent.reply_token: sent.user_id}},
                          timeout=10).raise_for_status()
        names = list(self.system.webs)
        deadline = time.monotonic() + REDELIVER_FOR
        attempt = 0
        while True:
            name = names[(first_server + attempt) % len(names)]
            body = self.sender.body([event])
            try:
                status = self.session().post(f"{self.system.webs[name]}/callback", data=body, timeout=10, headers={
                    "Content-Type": "application/json", "X-Line-Signature": self.sender.sign(body)}).status_code
            except requests.RequestException:
                status = None
            self.journal.answer("webhook", name, status)
            sent.deliveries += 1
            if status == 200:
                sent.taken = True
                return
            attempt += 1
            if time.monotonic() > deadline:
                return
            time.sleep(min(0.5 * attempt, 3.0))
            event["deliveryContext"] = {"isRedelivery": True}

    def read_answer(self, event: dict) -> bool:
        """The person waits to read the bot's answer before writing again (READ_FOR seconds at most)."""
        token = event.get("replyToken")
        if not token:
            return False
        try:
            return self.session().get(f"{self.system.sim_url}/__sim/reply-tokens/{token}", params={"wait": READ_FOR},
                                      timeout=READ_FOR + 10).json()["replied"]
        except requests.RequestException:
            return False


def chat_script(rng: random.Random, sender: WebhookSender, uid: str, new_friend: bool, reward_id: int,
                now: datetime) -> list[dict]:
    """What one person does in the chat: a new friend follows and joins; everyone sets a birthday
    (a third of them this month, so the gift comes at once), asks questions, and redeems the reward,
    some of them tapping "yes" twice."""
    events = []
    if new_friend:
        events += [sender.follow(uid), sender.postback(uid, "action=join")]
    month = now.month if rng.random() < 0.34 else rng.choice([m for m in range(1, 13) if m != now.month])
    events.append(sender.postback(uid, "action=birthday_set", {"date": f"1990-{month:02d}-{rng.randint(1, 28):02d}"}))
    for words in rng.sample(["點數", "我的點數還有多少", "等級", "優惠券", "會員卡", "最新消息", "你好", "help"], 2):
        events.append(sender.text(uid, words))
    events.append(sender.postback(uid, f"action=reward_ask&id={reward_id}"))
    nonce = uuid.uuid4().hex[:16]
    for _ in range(2 if rng.random() < 0.5 else 1):  # a double tap is two events with one nonce
        events.append(sender.postback(uid, f"action=reward_redeem&id={reward_id}&n={nonce}"))
    return events


def chat(line: Line, seeded: Seeded, seed: int, seconds: float, now: datetime) -> None:
    """Every chatter's script, the people starting at random moments over the first 60% of
    `seconds`; each writes, reads the answer (or gives up waiting), thinks a moment, writes again. On
    a machine too slow for it, nobody starts a new event after `seconds` + HARD_STOP (the run must fit
    CI's minutes)."""
    people = [(n, False) for n in seeded.chatting_members] + [(n, True) for n in seeded.new_friends]
    stop_at = seconds + HARD_STOP

    def person(n: int, new_friend: bool) -> None:
        rng = random.Random(f"{seed}:chat:{n}")
        start_at = rng.uniform(0, seconds * 0.6)
        events = chat_script(rng, line.sender, user_id(n), new_friend, seeded.reward_id, now)
        wait = start_at - line.journal.now()
        if wait > 0:
            time.sleep(wait)
        for event in events:
            if line.journal.now() > stop_at:
                with line.journal.lock:
                    line.journal.not_sent += 1
                continue
            line.deliver(event, first_server=rng.randrange(2))
            line.read_answer(event)
            time.sleep(rng.uniform(0.5, 2.5))

    with ThreadPoolExecutor(max_workers=len(people), thread_name_prefix="chat") as pool:  # a phone each
        for future in [pool.submit(person, n, new_friend) for n, new_friend in people]:
            future.result()


class Till:
    """A shop's system calling the API: a request that gets no answer or a 5xx is sent again, to
    either server, until it gets one (the bot is idempotent by order id and refund id)."""

    def __init__(self, system: System, journal: Journal, api_key: str, rng: random.Random):
        self.system = system
        self.journal = journal
        self.headers = {"Authorization": f"Bearer {api_key}"}
        self.rng = rng
        self.http = requests.Session()

    def post(self, what: str, path: str, body: dict) -> requests.Response | None:
        deadline = time.monotonic() + ANSWER_FOR
        names = list(self.system.webs)
        first = self.rng.randrange(len(names))
        attempt = 0
        while time.monotonic() < deadline:
            name = names[(first + attempt) % len(names)]
            try:
                reply = self.http.post(f"{self.system.webs[name]}{path}", json=body, headers=self.headers, timeout=15)
                status = reply.status_code
            except requests.RequestException:
                reply, status = None, None
            self.journal.answer(what, name, status)
            if reply is not None and status < 500:
                return reply
            attempt += 1
            time.sleep(min(0.5 * attempt, 3.0))
        return None


def shop(system: System, journal: Journal, seeded: Seeded, seed: int, index: int, until: float, now: datetime) -> None:
    """Orders for the chatting members and for others, some sent twice on purpose; partial and whole
    refunds of some of them, some of those sent twice too."""
    rng = random.Random(f"{seed}:shop:{index}")
    till = Till(system, journal, seeded.api_key, rng)
    n = 0
    while journal.now() < until:
        n += 1
        order_id = f"CHAOS-{index}-{n}"
        who = rng.choice(seeded.chatting_members) if rng.random() < 0.6 else rng.randrange(seeded.members)
        body = {"channel": rng.choice(["store", "online"]), "order_id": order_id, "member_code": member_code(who),
                "amount": rng.randrange(500, 20_000), "store_id": "xinyi",
                "placed_at": (now - timedelta(minutes=rng.randrange(1, 600))).isoformat()}
        reply = till.post("order", "/api/v1/orders", body)
        with journal.lock:
            journal.orders[order_id] = {"body": body, "status": None if reply is None else reply.status_code,
                                        "answer": None if reply is None else reply.json()}
        if reply is None or reply.status_code not in (200, 201):
            continue
        if rng.random() < 0.2:  # the till sends it again: the same answer, nothing credited
            again = till.post("order", "/api/v1/orders", body)
            if again is not None:
                with journal.lock:
                    journal.order_replays.append((order_id, again.status_code, again.json()))
        if rng.random() < 0.35:
            refund(till, journal, body, rng)
        time.sleep(rng.uniform(0.05, 0.4))


def refund(till: Till, journal: Journal, order: dict, rng: random.Random) -> None:
    path = f"/api/v1/orders/{order['channel']}/{order['order_id']}/refunds"
    left = order["amount"]
    parts = [rng.randrange(1, left)] if rng.random() < 0.6 else []
    parts.append(left - sum(parts))  # the rest: refunded whole in the end (half the time in two steps)
    for k, amount in enumerate(parts):
        refund_id = f"{order['order_id']}-R{k + 1}"
        body = {"refund_id": refund_id, "amount": amount}
        reply = till.post("refund", path, body)
        with journal.lock:
            journal.refunds[refund_id] = {"order_id": order["order_id"], "channel": order["channel"], "amount": amount,
                                          "status": None if reply is None else reply.status_code}
        if reply is not None and rng.random() < 0.25:
            again = till.post("refund", path, body)
            if again is not None:
                with journal.lock:
                    journal.refund_replays.append((refund_id, again.status_code))


def redeem_coupons(system: System, journal: Journal, seeded: Seeded, seed: int, until: float) -> None:
    """Each campaign coupon presented at three tills at the same moment, at random times."""
    rng = random.Random(f"{seed}:coupons")
    times = sorted(rng.uniform(0, until) for _ in seeded.coupon_codes)
    for at, code in zip(times, seeded.coupon_codes):
        wait = at - journal.now()
        if wait > 0:
            time.sleep(wait)
        tills = [Till(system, journal, seeded.api_key, random.Random(f"{seed}:{code}:{i}")) for i in range(3)]
        replies = all_at_once(3, lambda i: tills[i].post("redeem", f"/api/v1/coupons/{code}/redeem",
                                                         {"channel": "store", "store_id": f"till-{i}"}))
        with journal.lock:
            journal.redemptions[code] = [r.status_code if isinstance(r, requests.Response) else None for r in replies]


def figures(journal: Journal) -> Counter:
    with journal.lock:
        return Counter({
            "events": len(journal.events),
            "events left out (slow machine)": journal.not_sent,
            "event deliveries": sum(e.deliveries for e in journal.events),
            "orders": len(journal.orders),
            "order replays": len(journal.order_replays),
            "refunds": len(journal.refunds),
            "refund replays": len(journal.refund_replays),
            "coupons presented": len(journal.redemptions),
            "requests": len(journal.answers),
            "requests without an answer": sum(1 for a in journal.answers if a.status is None),
        })
