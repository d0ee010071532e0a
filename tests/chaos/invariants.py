"""What must hold once the faults stop and the system has settled, each checked against the
database and the simulator's record of every call the bot made to LINE. Each check returns its
problems (empty when it holds), worded so that a failure says what broke."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from sqlalchemy import func, select

from core.models import InboxEvent
from rewards import ledger
from rewards.models import Coupon, Member, Order, Outbox, PointsLedger, Refund
from rewards.outbox_state import FROM_, STATE
from bot.outbox.models import OutboxBatch

from .system import Moment
from .traffic import Journal

SENDS = ("/v2/bot/message/push", "/v2/bot/message/multicast")
# after a kill, the restarted server may take this long to answer again; a 5xx this close to a kill counts as its moment
KILL_MARGIN = 3.0


@dataclass
class LineRecord:
    """The simulator's record, read once: replies by token, and each delivered push or multicast
    (status 200; a 409 for a retry key already accepted delivers nothing) with its retry key."""
    replies: Counter  # reply token -> replies delivered
    sends: list[tuple[str | None, list[str]]]  # (X-Line-Retry-Key, recipients) of each delivered call
    spec_errors: list[str]

    @classmethod
    def of(cls, calls: dict) -> "LineRecord":
        replies, sends = Counter(), []
        for call in calls["calls"]:
            if call["method"] != "POST" or call["status"] != 200 or not isinstance(call["body"], dict):
                continue
            if call["path"] == "/v2/bot/message/reply":
                replies[call["body"]["replyToken"]] += 1
            elif call["path"] in SENDS:
                to = call["body"]["to"]
                sends.append((call["headers"].get("x-line-retry-key"), [to] if isinstance(to, str) else list(to)))
        return cls(replies, sends, list(calls["errors"]))


def balances(s) -> list[str]:
    return [f"member {p['member_id']}: balance {p['balance']}, ledger {p['ledger_sum']}, lots {p['lots']}"
            for p in ledger.find_inconsistencies(s)]


def outbox_delivered_once(s, line: LineRecord) -> tuple[list[str], Counter]:
    """Every sent outbox row delivered exactly once under its batch's retry key; nothing delivered
    twice under one key. Returns the problems and, per user, deliveries made outside the outbox."""
    problems = []
    keys = dict(s.execute(select(OutboxBatch.id, OutboxBatch.retry_key)).all())
    outbox_keys = set(keys.values())
    by_key: dict[str, list[list[str]]] = defaultdict(list)
    outside = Counter()
    for key, to in line.sends:
        if key in outbox_keys:
            by_key[key].append(to)
        else:
            outside.update(to)
    for key, calls in by_key.items():
        if len(calls) > 1:
            problems.append(f"retry key {key} delivered {len(calls)} times")
    rows = s.execute(select(Outbox.id, Outbox.kind, STATE.batch_id, STATE.status, Member.line_user_id, Outbox.to_user_id)
                     .select_from(FROM_.outerjoin(Member, Member.id == Outbox.member_id))
                     .where(STATE.status == "sent")).all()
    expected = Counter()
    for row_id, kind, batch_id, _status, member_uid, to_uid in rows:
        uid = to_uid or member_uid
        key = keys.get(batch_id)
        got = sum(call.count(uid) for call in by_key.get(key, []))
        if got != 1:
            problems.append(f"outbox row {row_id} ({kind}) sent, delivered {got} times under its key")
        expected[key] += 1
    for key, calls in by_key.items():
        extra = sum(len(to) for to in calls[:1]) - expected[key]
        if extra > 0:
            problems.append(f"retry key {key}: {extra} deliveries no sent outbox row accounts for")
    failed = Counter(s.execute(select(Outbox.kind, STATE.last_error).select_from(FROM_)
                               .where(STATE.status == "failed")).all())
    problems += [f"{n} outbox rows {kind} failed: {error}" for (kind, error), n in failed.items()]
    return problems, outside


# what the domain queues to be sent at once (never held, never scheduled): these keep the order made
SENT_AT_ONCE = ("receipt", "tier_up", "refund", "referral_bonus", "points_adjusted")


def in_order_made(s, line: LineRecord) -> list[str]:
    """Each member's messages sent at once reached LINE in the order they were made (outbox id)."""
    first_delivery: dict[tuple[str | None, str], int] = {}
    for at, (key, to) in enumerate(line.sends):
        for uid in to:
            first_delivery.setdefault((key, uid), at)
    keys = dict(s.execute(select(OutboxBatch.id, OutboxBatch.retry_key)).all())
    rows = s.execute(select(Outbox.member_id, Outbox.id, Outbox.kind, STATE.batch_id, Member.line_user_id)
                     .select_from(FROM_.join(Member, Member.id == Outbox.member_id))
                     .where(STATE.status == "sent", Outbox.kind.in_(SENT_AT_ONCE), Member.line_user_id.is_not(None))
                     .order_by(Outbox.member_id, Outbox.id)).all()
    problems, last = [], {}
    for member_id, row_id, kind, batch_id, uid in rows:
        at = first_delivery.get((keys.get(batch_id), uid))
        if at is None:
            continue  # not delivered: outbox_delivered_once says so
        before = last.get(member_id)
        if before is not None and at < before[0]:
            problems.append(f"member {member_id}: outbox row {row_id} ({kind}) reached LINE before row "
                            f"{before[1]} ({before[2]}), made earlier")
        last[member_id] = (at, row_id, kind)
    return problems


def events_answered_once(journal: Journal, line: LineRecord, pushed_outside_outbox: Counter,
                         why: Callable[[str], str] = lambda event_id: "") -> list[str]:
    """Every event LINE delivered was answered exactly once: by one reply to its token, or, when it had
    none, by one push of its own (a push outside the outbox, to the same user) as the answer of last
    resort. `why(event id)` says what the bot's logs tell of an event left without a reply."""
    problems = []
    unreplied: dict[str, list] = defaultdict(list)
    for event in journal.events:
        if not event.taken:
            problems.append(f"event {event.event_id} ({event.type}): the bot never took it (no 200 in "
                            f"{event.deliveries} deliveries)")
        if event.reply_token is None:
            continue
        replies = line.replies[event.reply_token]
        if replies > 1:
            problems.append(f"event {event.event_id} ({event.type}) answered {replies} times by reply")
        elif replies == 0:
            unreplied[event.user_id].append(event)
    causes = Counter(cause_of(why(e.event_id)) for events in unreplied.values() for e in events)
    if sum(causes.values()) > sum(pushed_outside_outbox.values()):
        problems.insert(0, f"{sum(causes.values())} events without a reply, {sum(pushed_outside_outbox.values())} "
                           "pushes outside the outbox; of those without a reply: "
                           + ", ".join(f"{n} {cause}" for cause, n in causes.most_common()))
    for uid in sorted(set(unreplied) | set(pushed_outside_outbox)):
        if len(unreplied[uid]) != pushed_outside_outbox[uid]:
            problems.append(f"user {uid}: {len(unreplied[uid])} events without a reply, {pushed_outside_outbox[uid]} "
                            "pushes outside the outbox" + "".join(
                                f"; {e.event_id} ({e.type}): {why(e.event_id) or 'nothing in the logs'}"
                                for e in unreplied[uid]))
    return problems


def cause_of(said: str) -> str:
    """What the logs tell of an event left without a reply, in a few words."""
    if "Invalid reply token" in said:
        return "replied too late (the reply token had expired)"
    if "not delivered: LINE" in said:
        return "reply refused by LINE (" + said.split("not delivered: LINE ", 1)[1][:3] + ") and not tried again"
    if "no reply was tried" in said:
        return "done, and no reply tried (its process killed between the commit and the reply)"
    return "other: " + said[:80]


def orders_once(s, journal: Journal) -> list[str]:
    """Each order the shops sent credited once (its replays answered with the first answer); each
    refund recorded once and reversed once; the order's net amount what the refunds left."""
    problems = []
    orders = {(o.channel, o.external_id): o for o in s.scalars(select(Order).where(Order.external_id.like("CHAOS-%")))}
    earns = Counter(s.scalars(select(PointsLedger.order_id).where(PointsLedger.kind == "earn",
                                                                  PointsLedger.order_id.is_not(None))))
    reversals = Counter(s.scalars(select(PointsLedger.idempotency_key).where(PointsLedger.kind == "refund")))
    refunds = Counter((r.order_id, r.refund_id) for r in s.scalars(select(Refund)))
    refunded = defaultdict(int)
    for refund_id, r in journal.refunds.items():
        if r["status"] in (200, 201):
            refunded[r["order_id"]] += r["amount"]
        else:
            problems.append(f"refund {refund_id} of {r['amount']} answered {r['status']}")
    for order_id, sent in journal.orders.items():
        if sent["status"] not in (200, 201):
            problems.append(f"order {order_id} answered {sent['status']}")
            continue
        order = orders.get((sent["body"]["channel"], order_id))
        if order is None:
            problems.append(f"order {order_id} answered {sent['status']} but not recorded")
            continue
        if earns[order.id] != (1 if order.points_earned else 0):
            problems.append(f"order {order_id} credited {earns[order.id]} times")
        if order.net_amount != order.amount - refunded[order_id]:
            problems.append(f"order {order_id}: net NT${order.net_amount}, refunds should leave "
                            f"NT${order.amount - refunded[order_id]}")
    for order_id, status, body in journal.order_replays:
        if status != 200 or body != journal.orders[order_id]["answer"]:
            problems.append(f"order {order_id} sent again answered {status} {body}, not the first answer")
    for refund_id, r in journal.refunds.items():
        order = orders.get((r["channel"], r["order_id"]))
        if order is None or r["status"] not in (200, 201):
            continue
        if refunds[(order.id, refund_id)] != 1:
            problems.append(f"refund {refund_id} recorded {refunds[(order.id, refund_id)]} times")
        if reversals[f"refund:{order.id}:{refund_id}"] > 1:
            problems.append(f"refund {refund_id} reversed {reversals[f'refund:{order.id}:{refund_id}']} times")
    for refund_id, status in journal.refund_replays:
        if status != 200:
            problems.append(f"refund {refund_id} sent again answered {status}")
    return problems


def coupons_at_most_once(s, journal: Journal) -> list[str]:
    problems = []
    redeemed = dict(s.execute(select(Coupon.code, Coupon.redeemed_store_id).where(
        Coupon.code.in_(list(journal.redemptions)))).all())
    for code, statuses in journal.redemptions.items():
        wins = [i for i, status in enumerate(statuses) if status == 200]
        if len(wins) > 1:
            problems.append(f"coupon {code} redeemed {len(wins)} times (statuses {statuses})")
        elif wins and redeemed.get(code) != f"till-{wins[0]}":
            problems.append(f"coupon {code}: till-{wins[0]} got 200, the coupon says {redeemed.get(code)}")
        if any(status not in (200, 409) for status in statuses):
            problems.append(f"coupon {code}: the tills got {statuses} (200 once, else 409)")
    return problems


def nothing_stuck(s, now: datetime) -> list[str]:
    """No event unfinished, no message still claimed or due, no batch leased or due."""
    problems = []
    inbox = Counter(dict(s.execute(select(InboxEvent.status, func.count()).where(
        InboxEvent.status.in_(("pending", "processing"))).group_by(InboxEvent.status)).all()))
    problems += [f"{n} webhook events still {status}" for status, n in inbox.items()]
    outbox = Counter(dict(s.execute(select(STATE.status, func.count()).select_from(FROM_).where(
        STATE.status == "sending").group_by(STATE.status)).all()))
    outbox["pending (due)"] = s.scalar(select(func.count()).select_from(FROM_).where(
        STATE.status == "pending", Outbox.not_before <= now)) or 0
    problems += [f"{n} outbox rows still {status}" for status, n in outbox.items() if n]
    batches = Counter(dict(s.execute(select(OutboxBatch.status, func.count()).where(
        OutboxBatch.status.in_(("pending", "sending"))).group_by(OutboxBatch.status)).all()))
    problems += [f"{n} outbox batches still {status}" for status, n in batches.items()]
    return problems


def no_5xx_outside_kills(journal: Journal, moments: list[Moment]) -> list[str]:
    windows = [(m.at - 1.0, (m.back_at or m.at) + KILL_MARGIN) for m in moments if m.what == "kill"]
    return [f"{a.what} to {a.server} answered {a.status} at {a.at:.1f} s, at no kill"
            for a in journal.answers if a.status is not None and a.status >= 500
            and not any(start <= a.at <= end for start, end in windows)]
