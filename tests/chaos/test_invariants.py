"""The chaos test's checks catch what they are for (fabricated records; any database)."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone

from rewards.models import Member, Outbox

from bot.outbox.models import OutboxBatch

from .invariants import (LineRecord, events_answered_once, in_order_made, no_5xx_outside_kills,
                         outbox_delivered_once)
from .system import Moment
from .traffic import Answer, Journal, SentEvent

AT = datetime(2026, 12, 7, 10, 0, tzinfo=timezone.utc)


def call(path: str, body: dict, status: int = 200, key: str | None = None) -> dict:
    return {"method": "POST", "path": path, "status": status, "body": body,
            "headers": {"x-line-retry-key": key} if key else {}}


def journal_of(*events: SentEvent) -> Journal:
    journal = Journal(started=0.0)
    journal.events.extend(events)
    return journal


def test_an_event_answered_twice_or_never_is_a_problem():
    once, twice, never = (SentEvent(f"E{i}", "Ua", "message", f"T{i}", taken=True) for i in range(3))
    line = LineRecord.of({"errors": [], "calls": [
        call("/v2/bot/message/reply", {"replyToken": "T0"}), call("/v2/bot/message/reply", {"replyToken": "T1"}),
        call("/v2/bot/message/reply", {"replyToken": "T1"}), call("/v2/bot/message/reply", {"replyToken": "T2"}, 500)]})
    said = "reply to event E2 not delivered: LINE 500 Internal Server Error"
    problems = events_answered_once(journal_of(once, twice, never), line, Counter(), why=lambda e: said)
    assert problems == ["1 events without a reply, 0 pushes outside the outbox; of those without a reply: "
                        "1 reply refused by LINE (500) and not tried again",
                        "event E1 (message) answered 2 times by reply",
                        f"user Ua: 1 events without a reply, 0 pushes outside the outbox; E2 (message): {said}"]
    # the one without a reply answered by a push of its own instead: all is well but the double
    assert events_answered_once(journal_of(once, twice, never), line, Counter({"Ua": 1})) == [problems[1]]


def test_an_event_the_bot_never_took_is_a_problem():
    event = SentEvent("E9", "Ub", "follow", None, taken=False, deliveries=7)
    assert events_answered_once(journal_of(event), LineRecord(Counter(), [], []), Counter()) == [
        "event E9 (follow): the bot never took it (no 200 in 7 deliveries)"]


def test_a_5xx_counts_only_at_a_kill():
    journal = Journal(started=0.0)
    journal.answers += [Answer("order", "web-1", 10.5, 500), Answer("order", "web-1", 30.0, 502),
                        Answer("order", "web-2", 31.0, None), Answer("order", "web-2", 40.0, 200)]
    moments = [Moment("kill", "web-1", 10.0, back_at=12.0), Moment("terminate", "database", 29.5)]
    assert no_5xx_outside_kills(journal, moments) == ["order to web-1 answered 502 at 30.0 s, at no kill"]


def test_an_outbox_row_delivered_twice_or_not_at_all_is_a_problem(db):
    with db.session() as s:
        members = [Member(member_code=f"M{i}", line_user_id=f"U{i}", status="member", tier="member", balance=0,
                          tags=[], created_at=AT) for i in range(3)]
        s.add_all(members)
        batches = [OutboxBatch(retry_key=f"K{i}", multicast=False, status="sent", attempts=1, first_attempt_at=AT,
                               not_before=AT) for i in range(3)]
        s.add_all(batches)
        s.flush()
        s.add_all([Outbox(dedup_key=f"d{i}", member_id=m.id, kind="receipt", category="service", params={},
                          status="sent", not_before=AT, created_at=AT, batch_id=b.id)
                   for i, (m, b) in enumerate(zip(members, batches))])
    line = LineRecord.of({"errors": [], "calls": [
        call("/v2/bot/message/push", {"to": "U0"}, key="K0"),
        call("/v2/bot/message/push", {"to": "U1"}, key="K1"), call("/v2/bot/message/push", {"to": "U1"}, key="K1"),
        call("/v2/bot/message/push", {"to": "U2"}, 409, key="K2"),  # a 409 delivers nothing
        call("/v2/bot/message/push", {"to": "U9"}, key="K-not-ours")]})
    with db.session() as s:
        problems, outside = outbox_delivered_once(s, line)
    assert sorted(problems) == sorted(["retry key K1 delivered 2 times",
                                       "outbox row 2 (receipt) sent, delivered 2 times under its key",
                                       "outbox row 3 (receipt) sent, delivered 0 times under its key"])
    assert outside == Counter({"U9": 1})


def test_a_members_messages_out_of_order_are_a_problem(db):
    with db.session() as s:
        ann, bob = (Member(member_code=f"M{i}", line_user_id=f"U{i}", status="member", tier="member", balance=0,
                           tags=[], created_at=AT) for i in range(2))
        s.add_all([ann, bob])
        batches = [OutboxBatch(retry_key=f"K{i}", multicast=False, status="sent", attempts=1, first_attempt_at=AT,
                               not_before=AT) for i in range(4)]
        s.add_all(batches)
        s.flush()
        made = [(ann, "receipt"), (ann, "tier_up"), (bob, "receipt"), (bob, "tier_up")]
        s.add_all([Outbox(dedup_key=f"d{i}", member_id=m.id, kind=kind, category="service", params={},
                          status="sent", not_before=AT, created_at=AT, batch_id=b.id)
                   for i, ((m, kind), b) in enumerate(zip(made, batches))])
    line = LineRecord.of({"errors": [], "calls": [
        call("/v2/bot/message/push", {"to": "U0"}, key="K0"), call("/v2/bot/message/push", {"to": "U0"}, key="K1"),
        call("/v2/bot/message/push", {"to": "U1"}, key="K3"), call("/v2/bot/message/push", {"to": "U1"}, key="K2")]})
    with db.session() as s:
        assert in_order_made(s, line) == [
            "member 2: outbox row 4 (tier_up) reached LINE before row 3 (receipt), made earlier"]
