"""The outbox sender against the LINE simulator: retry keys, LINE's errors, batching, the policy."""
from __future__ import annotations

import time
import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import update

from bot.outbox.sender import OutboxSender, SendingRules
from messaging import sending_state
from rewards.models import Member, Outbox

from ..conftest import TAIPEI, make_app
from .helpers import add_members, batch_of, queue_rows, rows, statuses, tried_before, user_id

PUSH = "/v2/bot/message/push"
MULTICAST = "/v2/bot/message/multicast"
RECEIPT = {"order_id": "A-1", "channel": "store", "store_id": "信義店", "amount": 1250, "base_points": 12,
           "multiplier_pct": 120, "points": 14, "balance": 340, "tier": "silver",
           "placed_at": "2026-11-20T13:50:00+08:00", "referral_bonus": 0}


def texts(line, uid) -> list[str]:
    return [d["message"]["text"] for d in line.delivered(uid)]


def key_of(call) -> str:
    return call.headers["x-line-retry-key"]


def _drain(rt, **rules):
    return OutboxSender.from_runtime(rt, SendingRules(**rules)).drain()


def one_member(rt, clock, **fields) -> int:
    (mid,) = add_members(rt.db, 1, clock.now(), **fields)
    return mid


def test_a_notice_is_pushed_once_with_its_retry_key(rt, line, clock):
    mid = one_member(rt, clock)
    queue_rows(rt.db, [mid], clock.now(), kind="receipt", params=RECEIPT)
    summary = _drain(rt)
    assert (summary.sent, summary.calls) == (1, 1)
    (call,) = line.calls_to(PUSH)
    (row,) = rows(rt.db)
    batch = batch_of(rt.db, row)
    assert key_of(call) == batch.retry_key and uuid.UUID(batch.retry_key).version == 4
    assert (row.status, row.sent_at) == ("sent", clock.now())
    assert (batch.status, batch.attempts, batch.first_attempt_at, batch.multicast) == ("sent", 1, clock.now(), False)
    assert texts(line, user_id(1)) == ["消費 NT$1,250（信義店） ×1.2 → +14 點；目前共 340 點"]
    assert _drain(rt).calls == 0  # nothing twice


def test_rate_limited_rows_wait_for_retry_after_then_go_once(rt, line, clock):
    mid = one_member(rt, clock)
    queue_rows(rt.db, [mid], clock.now())
    line.inject(PUSH, 429, headers={"Retry-After": "30"})
    summary = _drain(rt)
    assert summary.stopped.startswith("rate limited") and summary.sent == 0
    (row,) = rows(rt.db)
    assert (row.status, row.not_before) == ("pending", clock.now() + timedelta(seconds=30))
    assert "429" in row.last_error
    clock.advance(timedelta(seconds=29))
    assert _drain(rt).calls == 0  # still held
    clock.advance(timedelta(seconds=1))
    assert _drain(rt).sent == 1
    first, second = line.calls_to(PUSH)
    assert key_of(first) == key_of(second) == batch_of(rt.db, rows(rt.db)[0]).retry_key
    assert texts(line, user_id(1)) == ["你好"]


def test_a_rate_limit_holds_the_rest_of_the_drain_too(rt, line, clock):
    ids = add_members(rt.db, 2, clock.now())
    queue_rows(rt.db, [ids[0]], clock.now(), params={"text_zh": "一", "text_en": "one"}, key="a")
    queue_rows(rt.db, [ids[1]], clock.now(), params={"text_zh": "二", "text_en": "two"}, key="b")
    line.inject(PUSH, 429, headers={"Retry-After": "5"})
    _drain(rt)
    assert len(line.calls_to(PUSH)) == 1  # no hammering after a 429
    assert {r.not_before for r in rows(rt.db)} == {clock.now() + timedelta(seconds=5)}
    clock.advance(timedelta(seconds=5))
    assert _drain(rt).sent == 2


def test_server_errors_are_retried_with_backoff_and_the_same_key(rt, line, clock):
    mid = one_member(rt, clock)
    queue_rows(rt.db, [mid], clock.now())
    line.inject(PUSH, 500, count=2)
    assert _drain(rt).retrying == 1
    (row,) = rows(rt.db)
    assert (row.status, row.not_before) == ("pending", clock.now() + timedelta(seconds=10))
    clock.advance(timedelta(seconds=10))
    assert _drain(rt).retrying == 1
    assert rows(rt.db)[0].not_before == clock.now() + timedelta(seconds=20)  # backing off
    clock.advance(timedelta(seconds=20))
    assert _drain(rt).sent == 1
    calls = line.calls_to(PUSH)
    assert [c.status for c in calls] == [500, 500, 200]
    assert len({key_of(c) for c in calls}) == 1
    assert batch_of(rt.db, rows(rt.db)[0]).attempts == 3
    assert texts(line, user_id(1)) == ["你好"]


def test_server_errors_are_retried_for_a_bounded_time(rt, line, clock):
    mid = one_member(rt, clock)
    queue_rows(rt.db, [mid], clock.now())
    line.inject(PUSH, 503, count=100)
    for _ in range(30):
        _drain(rt)
        clock.advance(timedelta(minutes=10))
    (row,) = rows(rt.db)
    assert row.status == "failed" and row.last_error.startswith("gave up after")
    assert line.delivered(user_id(1)) == []


def test_a_timeout_is_retried_and_nobody_gets_the_message_twice(database_url, simulator_server, line, clock):
    app = make_app(database_url, simulator_server.url, clock, LINE_TIMEOUT_SECONDS=1.5)
    rt = app.extensions["bot"]
    try:
        mids = add_members(rt.db, 3, clock.now())
        queue_rows(rt.db, mids[:2], clock.now())  # identical: one multicast
        queue_rows(rt.db, [mids[2]], clock.now(), kind="receipt", params=RECEIPT, key="r")  # a push
        line.inject(r"^/v2/bot/message/(push|multicast)$", None, count=2, delay=3.0)  # answers, but too late
        summary = _drain(rt)
        assert (summary.sent, summary.retrying) == (0, 3)
        assert all("no answer" in r.last_error for r in rows(rt.db))
        clock.advance(timedelta(seconds=10))
        assert _drain(rt).sent == 3  # at once: the slow first requests may still be in flight
        time.sleep(3.1)
        assert _drain(rt).calls == 0
        assert texts(line, user_id(1)) == ["你好"]
        assert texts(line, user_id(2)) == ["你好"]
        assert texts(line, user_id(3)) == ["消費 NT$1,250（信義店） ×1.2 → +14 點；目前共 340 點"]
        assert set(statuses(rt.db)) == {"sent"}
    finally:
        app.extensions["inbox_worker"].shutdown()
        rt.db.dispose()


def test_a_client_error_fails_the_row_with_lines_words(rt, line, clock):
    mid = one_member(rt, clock)
    queue_rows(rt.db, [mid], clock.now())
    line.faults.bad_request(PUSH, message="The request body has 1 error(s)")
    assert _drain(rt).failed == 1
    (row,) = rows(rt.db)
    assert row.status == "failed"
    assert row.last_error == "LINE 400: The request body has 1 error(s)"
    assert _drain(rt).calls == 0  # not retried


def test_retry_key_already_accepted_counts_as_sent(rt, line, clock):
    mid = one_member(rt, clock)
    queue_rows(rt.db, [mid], clock.now())
    line.inject(PUSH, 409, body={"message": "The retry key is already accepted"})
    assert _drain(rt).sent == 1
    assert rows(rt.db)[0].status == "sent"


def test_a_conflict_without_the_retry_key_words_is_a_failure(rt, line, clock):
    mid = one_member(rt, clock)
    queue_rows(rt.db, [mid], clock.now())
    line.inject(PUSH, 409, body={"message": "Conflict"})
    assert _drain(rt).failed == 1


def test_a_batch_first_tried_over_24_hours_ago_is_failed_not_resent(rt, line, clock):
    mids = add_members(rt.db, 3, clock.now())
    queue_rows(rt.db, mids, clock.now() - timedelta(hours=25))
    # tried a day ago (LINE did not answer), then the worker was down
    tried_before(rt.db, str(uuid.uuid4()), clock.now() - timedelta(hours=25), error="LINE no answer")
    summary = _drain(rt)
    assert (summary.failed, summary.calls) == (3, 0)
    assert all(r.status == "failed" and "24 h" in r.last_error for r in rows(rt.db))
    assert line.calls_to(MULTICAST) == [] and line.calls_to(PUSH) == []


def test_a_batch_tried_earlier_today_is_resent_with_its_key(rt, line, clock):
    mids = add_members(rt.db, 3, clock.now())
    queue_rows(rt.db, mids, clock.now() - timedelta(hours=23))
    key = str(uuid.uuid4())
    tried_before(rt.db, key, clock.now() - timedelta(hours=23), status="sending",
                 claimed_at=clock.now() - timedelta(hours=23))
    assert _drain(rt).sent == 3
    (call,) = line.calls_to(MULTICAST)
    assert key_of(call) == key and sorted(call.body["to"]) == [user_id(n) for n in (1, 2, 3)]


def test_the_monthly_limit_stops_the_drain_and_is_recorded(rt, line, clock):
    mids = add_members(rt.db, 3, clock.now())
    for n, mid in enumerate(mids):
        queue_rows(rt.db, [mid], clock.now(), params={"text_zh": f"第{n}", "text_en": f"No. {n}"}, key=f"k{n}")
    line.faults.monthly_limit(PUSH)
    summary = _drain(rt)
    assert summary.stopped == "LINE monthly limit reached" and summary.calls == 1
    assert statuses(rt.db) == {"pending": 3}
    with rt.db.session() as s:
        assert sending_state.monthly_limit_reached_at(s) == clock.now()
    clock.advance(timedelta(minutes=4))
    later = _drain(rt)
    assert later.calls == 0 and later.stopped.startswith("LINE monthly limit reached at")
    clock.set(datetime(2026, 12, 1, 0, 5, tzinfo=TAIPEI))  # a new month
    assert _drain(rt).sent == 3
    with rt.db.session() as s:
        assert sending_state.monthly_limit_reached_at(s) is None
    assert sum(len(line.delivered(user_id(n))) for n in (1, 2, 3)) == 3


def test_while_the_limit_stands_the_sender_checks_every_five_minutes(rt, line, clock):
    mid = one_member(rt, clock)
    queue_rows(rt.db, [mid], clock.now())
    line.faults.monthly_limit(PUSH, count=2)
    _drain(rt)
    clock.advance(timedelta(minutes=5))
    assert _drain(rt).calls == 1  # tried again: still limited
    clock.advance(timedelta(minutes=4))
    assert _drain(rt).calls == 0
    clock.advance(timedelta(minutes=1))
    assert _drain(rt).sent == 1  # the plan was upgraded
    with rt.db.session() as s:
        assert sending_state.monthly_limit_reached_at(s) is None


def test_identical_messages_go_in_multicasts_of_at_most_500(rt, unlimited_quota, clock):
    line = unlimited_quota
    mids = add_members(rt.db, 1201, clock.now())
    queue_rows(rt.db, mids, clock.now(), category="marketing", campaign_id=7)
    summary = _drain(rt)
    assert (summary.sent, summary.calls) == (1201, 3)
    calls = line.calls_to(MULTICAST)
    assert sorted(len(c.body["to"]) for c in calls) == [201, 500, 500]
    assert len({key_of(c) for c in calls}) == 3
    by_key = {}
    for r in rows(rt.db):
        by_key.setdefault(batch_of(rt.db, r).retry_key, []).append(r)
    assert sorted(len(v) for v in by_key.values()) == [201, 500, 500]
    assert all(len(line.delivered(user_id(n))) == 1 for n in range(1, 1202))


def test_each_language_gets_its_own_multicast(rt, line, clock):
    zh = add_members(rt.db, 3, clock.now())
    en = add_members(rt.db, 2, clock.now(), start=10, language="en")
    queue_rows(rt.db, zh + en, clock.now(), category="marketing", campaign_id=1)
    assert _drain(rt).calls == 2
    assert texts(line, user_id(1)) == ["你好"] and texts(line, user_id(10)) == ["Hello"]


def test_per_member_notices_are_pushed_one_by_one(rt, line, clock):
    mids = add_members(rt.db, 2, clock.now())
    queue_rows(rt.db, mids[:1], clock.now(), kind="receipt", params=RECEIPT, key="a")
    queue_rows(rt.db, mids[1:], clock.now(), kind="receipt", params=RECEIPT | {"balance": 99}, key="b")
    assert _drain(rt).calls == 2
    assert len(line.calls_to(PUSH)) == 2 and line.calls_to(MULTICAST) == []


def test_blocked_and_erased_members_are_skipped(rt, line, clock):
    ok = add_members(rt.db, 1, clock.now())
    blocked = add_members(rt.db, 1, clock.now(), start=2, is_blocked=True)
    erased = add_members(rt.db, 1, clock.now(), start=3)
    with rt.db.session() as s:
        s.execute(update(Member).where(Member.id == erased[0]).values(status="erased", line_user_id=None))
    queue_rows(rt.db, ok + blocked + erased, clock.now(), kind="receipt", params=RECEIPT)
    summary = _drain(rt)
    assert summary.sent == 1 and dict(summary.skipped) == {"blocked": 1, "erased": 1}
    assert {r.member_id: (r.status, r.skip_reason) for r in rows(rt.db)} == {
        ok[0]: ("sent", None), blocked[0]: ("skipped", "blocked"), erased[0]: ("skipped", "erased")}
    assert line.delivered(user_id(2)) == []


def test_unsubscribed_members_get_service_messages_but_no_marketing(rt, line, clock):
    (mid,) = add_members(rt.db, 1, clock.now(), marketing_opt_in=False)
    queue_rows(rt.db, [mid], clock.now(), category="marketing", key="m")
    queue_rows(rt.db, [mid], clock.now(), kind="receipt", params=RECEIPT, key="s")
    summary = _drain(rt)
    assert summary.sent == 1 and dict(summary.skipped) == {"unsubscribed": 1}


def test_marketing_waits_out_quiet_hours(rt, line, clock):
    clock.set(datetime(2026, 11, 20, 22, 30, tzinfo=TAIPEI))
    (mid,) = add_members(rt.db, 1, clock.now())
    queue_rows(rt.db, [mid], clock.now(), category="marketing", key="m")
    queue_rows(rt.db, [mid], clock.now(), kind="receipt", params=RECEIPT, key="s")
    summary = _drain(rt)
    assert (summary.sent, summary.held) == (1, 1)
    held = rows(rt.db, dedup_key=f"m:{mid}")[0]
    assert (held.status, held.not_before) == ("pending", datetime(2026, 11, 21, 9, 0, tzinfo=TAIPEI))
    clock.set(datetime(2026, 11, 21, 8, 59, tzinfo=TAIPEI))
    assert _drain(rt).calls == 0
    clock.set(datetime(2026, 11, 21, 9, 0, tzinfo=TAIPEI))
    assert _drain(rt).sent == 1


def test_the_weekly_cap_skips_the_third_marketing_message(rt, line, clock):
    (mid,) = add_members(rt.db, 1, clock.now())
    for n in range(3):  # all due in the same drain
        queue_rows(rt.db, [mid], clock.now(), category="marketing", params={"text_zh": f"第{n}", "text_en": str(n)},
                   key=f"c{n}")
    summary = _drain(rt)
    assert summary.sent == 2 and dict(summary.skipped) == {"weekly_cap": 1}
    assert texts(line, user_id(1)) == ["第0", "第1"]
    clock.advance(timedelta(days=3))
    queue_rows(rt.db, [mid], clock.now(), category="marketing", key="later")
    assert dict(_drain(rt).skipped) == {"weekly_cap": 1}  # still within the week
    clock.advance(timedelta(days=4, seconds=1))
    queue_rows(rt.db, [mid], clock.now(), category="marketing", key="next-week")
    assert _drain(rt).sent == 1


def test_an_unknown_kind_fails_its_row_and_nothing_else(rt, line, clock):
    mids = add_members(rt.db, 2, clock.now())
    queue_rows(rt.db, mids[:1], clock.now(), kind="no_such_kind", params={"x": 1}, key="a")
    queue_rows(rt.db, mids[:1], clock.now(), kind="receipt", params={"amount": 1}, key="b")  # params missing
    queue_rows(rt.db, mids[1:], clock.now(), key="c")
    summary = _drain(rt)
    assert (summary.sent, summary.failed) == (1, 2)
    errors = {r.dedup_key: r.last_error for r in rows(rt.db, status="failed")}
    assert errors == {f"a:{mids[0]}": "cannot render: no renderer for outbox kind 'no_such_kind'",
                      f"b:{mids[0]}": "cannot render: receipt: missing param 'multiplier_pct'"}


def test_a_row_for_a_staff_user_who_is_not_a_member(rt, line, clock):
    with rt.db.session() as s:
        s.add(Outbox(dedup_key="preview:1", to_user_id=user_id(77), kind="text", category="marketing",
                     params={"text_zh": "預覽", "text_en": "Preview"}, status="pending", not_before=clock.now(),
                     created_at=clock.now()))
    assert _drain(rt).sent == 1
    assert texts(line, user_id(77)) == ["預覽"]


def test_the_domain_notices_render(rt, line, clock):
    from rewards import notices

    queued = [
        ("tier_up", {"old_tier": "member", "new_tier": "silver", "spend": 10000, "order_id": "A-1"}),
        ("receipt", RECEIPT),
        ("refund", {"order_id": "A-1", "refund_id": "R1", "amount": 500, "points_reversed": 5, "shortfall": 2,
                    "balance": 335, "net_amount": 750, "points_owed": 2}),
        ("receipt", {**RECEIPT, "balance": 0, "debt_repaid": 14, "points_owed": 6}),
        ("referral_bonus", {"points": 100, "balance": 435, "friend_member_code": "M2"}),
        ("tier_down", {"old_tier": "silver", "new_tier": "member", "spend": 0, "review_date": "2027-01-01"}),
    ]
    (mid,) = add_members(rt.db, 1, clock.now(), language="en")
    with rt.db.session() as s:
        member = s.get(Member, mid)
        for i, (kind, params) in enumerate(queued):
            notices.queue_notice(s, member, kind, "service", params, f"{kind}:{i}", clock.now())
    assert _drain(rt).sent == 6
    assert texts(line, user_id(1)) == [
        "Congratulations! You moved up from Member to Silver.\nSilver benefits: Points ×1.2, NT$200 birthday gift",
        "NT$1,250 at 信義店 ×1.2 → +14 points; balance 340",
        "Refund of NT$500: 5 points taken back; balance 335\n"
        "2 points had already been used: they will come out of the points you earn next.\n"
        "2 points still owed.",
        "NT$1,250 at 信義店 ×1.2 → +14 points; balance 0\n14 of them went to points you owed\n6 points still owed.",
        "A friend you referred made their first purchase: +100 points! Balance 435",
        "After the yearly review your tier changed from Silver to Member.\n"
        "The review counted NT$0 of spending; Silver needs NT$10,000.\n"
        "Member benefits: 1 point per NT$100, NT$100 birthday gift",
    ]


@pytest.mark.parametrize("status", [401, 403])
def test_auth_errors_fail_the_batch(rt, line, clock, status):
    mid = one_member(rt, clock)
    queue_rows(rt.db, [mid], clock.now())
    line.inject(PUSH, status)
    assert _drain(rt).failed == 1


def test_a_retried_batch_keeps_its_key_and_call_but_drops_who_blocked_since(rt, line, clock):
    mids = add_members(rt.db, 2, clock.now())
    queue_rows(rt.db, mids, clock.now(), category="marketing", campaign_id=3)
    line.inject(MULTICAST, 502)
    assert _drain(rt).retrying == 2
    with rt.db.session() as s:
        s.execute(update(Member).where(Member.id == mids[1]).values(is_blocked=True))
    clock.set(datetime(2026, 11, 20, 22, 0, tzinfo=TAIPEI))  # quiet hours now: a retry is not held for them
    summary = _drain(rt)
    assert summary.sent == 1 and dict(summary.skipped) == {"blocked": 1}
    first, second = line.calls_to(MULTICAST)  # still a multicast, though to one member now
    assert key_of(first) == key_of(second) and second.body["to"] == [user_id(1)]
