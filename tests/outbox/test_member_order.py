"""One member's messages arrive in the order they were made, whatever the retries and the number of
senders (issue 19: a tier_up arrived before the receipt that caused it)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from bot.outbox import claims as claims
from bot.outbox.batches import Batch
from bot.outbox.sender import OutboxSender, SendingRules
from rewards.models import Outbox

from .helpers import add_members, drain_together, queue_rows, rows, user_id

PUSH = r"^/v2/bot/message/push$"


def _say(text: str) -> dict:
    return {"text_zh": text, "text_en": text}


def texts(line, uid) -> list[str]:
    return [d["message"]["text"] for d in line.delivered(uid)]


def _drain(rt, **rules):
    return OutboxSender.from_runtime(rt, SendingRules(**rules)).drain()


def test_a_later_message_waits_while_the_earlier_one_is_retried(rt, line, clock):
    (mid,) = add_members(rt.db, 1, clock.now())
    queue_rows(rt.db, [mid], clock.now(), params=_say("first"), key="a")
    queue_rows(rt.db, [mid], clock.now(), params=_say("second"), key="b")
    line.inject(PUSH, 500, count=1)
    summary = _drain(rt)
    assert (summary.sent, summary.retrying, summary.calls) == (0, 1, 1)  # "second" was not tried past it
    assert texts(line, user_id(1)) == []
    clock.advance(timedelta(minutes=5))
    assert _drain(rt).sent == 2
    assert texts(line, user_id(1)) == ["first", "second"]


def test_a_message_claimed_by_another_sender_holds_back_the_next(rt, line, clock):
    (mid,) = add_members(rt.db, 1, clock.now())
    queue_rows(rt.db, [mid], clock.now(), params=_say("first"), key="a")
    # another sender claimed "first" and is sending it (its lease runs)
    with rt.db.session() as s:
        (row, _member), = claims.claim_fresh(s, clock.now(), 10).rows
        claims.open_batches(s, [Batch(row_ids=[row.id], user_ids=[user_id(1)], messages=[])], clock.now())
    queue_rows(rt.db, [mid], clock.now(), params=_say("second"), key="b")
    assert _drain(rt).calls == 0
    clock.advance(timedelta(minutes=30))  # that sender died: its lease runs out, the batch is retried
    summary = _drain(rt)
    assert summary.sent == 2
    assert texts(line, user_id(1)) == ["first", "second"]


def test_a_message_given_back_after_a_rate_limit_still_holds_back_the_next(rt, line, clock):
    mids = add_members(rt.db, 2, clock.now())
    queue_rows(rt.db, [mids[0]], clock.now(), params=_say("to another member"), key="y")
    queue_rows(rt.db, [mids[1]], clock.now(), params=_say("first"), key="a")
    line.inject(PUSH, 429, count=1, headers={"Retry-After": "30"})
    summary = _drain(rt)
    assert summary.stopped and summary.calls == 1  # "first" was given back untried, to wait for the limit
    queue_rows(rt.db, [mids[1]], clock.now(), params=_say("second"), key="b")
    clock.advance(timedelta(seconds=5))
    assert _drain(rt).calls == 0  # "second" waits behind "first", though "first" is not due yet
    clock.advance(timedelta(minutes=1))
    assert _drain(rt).sent == 3
    assert texts(line, user_id(2)) == ["first", "second"]


def test_a_message_not_due_yet_does_not_hold_back_what_comes_after(rt, line, clock):
    (mid,) = add_members(rt.db, 1, clock.now())
    queue_rows(rt.db, [mid], clock.now(), category="marketing", params=_say("tomorrow"), key="a",
               not_before=clock.now() + timedelta(days=1))
    queue_rows(rt.db, [mid], clock.now(), params=_say("receipt"), key="b")
    assert _drain(rt).sent == 1
    assert texts(line, user_id(1)) == ["receipt"]
    # held for quiet hours (21:00-09:00): the receipt made after it goes at once
    clock.advance(timedelta(hours=8))  # 22:00 in Taipei
    queue_rows(rt.db, [mid], clock.now(), category="marketing", params=_say("news"), key="c")
    queue_rows(rt.db, [mid], clock.now(), params=_say("receipt 2"), key="d")
    summary = _drain(rt)
    assert (summary.sent, summary.held) == (1, 1)
    assert texts(line, user_id(1)) == ["receipt", "receipt 2"]


def test_two_senders_keep_every_members_order(two_runtimes, line, clock):
    mids = add_members(two_runtimes[0].db, 30, clock.now())
    for n in range(4):  # per member, four messages; broadcasts (identical) and pushes (per member) mixed
        params = _say(f"m{n}") if n % 2 == 0 else (lambda mid, n=n: _say(f"m{n} for {mid}"))
        queue_rows(two_runtimes[0].db, mids, clock.now(), params=params, key=f"k{n}")
    line.inject(r"^/v2/bot/message/(push|multicast)$", 500, count=3)
    for _ in range(6):
        drain_together(two_runtimes, SendingRules(claim_size=7))
        clock.advance(timedelta(minutes=5))
    assert {r.status for r in rows(two_runtimes[0].db)} == {"sent"}
    for i, mid in enumerate(mids, start=1):
        assert texts(line, user_id(i)) == ["m0", f"m1 for {mid}", "m2", f"m3 for {mid}"]


def test_a_staff_test_send_without_a_member_is_not_held_back(rt, line, clock):
    with rt.db.session() as s:
        s.execute(update(Outbox).values(status="sent"))  # nothing else pending
    queue_rows(rt.db, [None], clock.now(), params=_say("test send"), key="t")
    with rt.db.session() as s:
        s.execute(update(Outbox).where(Outbox.member_id.is_(None)).values(to_user_id=user_id(99)))
    assert _drain(rt).sent == 1
    assert texts(line, user_id(99)) == ["test send"]
