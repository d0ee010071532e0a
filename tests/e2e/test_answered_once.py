"""An event counts as answered only once its answer has gone, and it goes exactly once: a process that
dies between committing an event's effects and its reply leaves the stored answer to a redelivery or
the inbox-sweeper, which send it through the reply token while it is fresh, else as a push under the
answer's retry key; the handler never runs twice. What the member got is read from the simulator."""
from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.models import InboxEvent
from messaging import sending_state
from rewards.models import Member, PointsLedger

from ..conftest import make_app
from .chat import Chat

UID = "U" + "a1" * 16


class Crash(BaseException):
    """The process dies here (a BaseException: nothing in the app catches it, as nothing survives kill -9)."""


def crash_once(monkeypatch, target, name):
    """`target.name` raises Crash the first time it is called, as if the process died there."""
    original = getattr(target, name)
    calls = []

    def dying(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise Crash(name)
        return original(*args, **kwargs)

    monkeypatch.setattr(target, name, dying)


def row_of(app, event) -> InboxEvent:
    with app.extensions["bot"].db.session() as s:
        return s.scalars(select(InboxEvent).where(InboxEvent.webhook_event_id == event["webhookEventId"])).one()


def delivered(line, how=None) -> list[dict]:
    return [d for d in line.delivered(UID) if how is None or d["how"] == how]


def redelivered(event) -> dict:
    return dict(event, deliveryContext={"isRedelivery": True})


@pytest.fixture
def joining(app, chat, line, monkeypatch):
    """UID taps "join"; the process dies right after the join and its answer were committed, before
    the reply went out. Returns the join event."""
    line.add_user(UID, "小明", "zh-TW")
    welcome = chat.follow(UID)
    data = next(d for d in json.dumps(welcome, ensure_ascii=False).split('"') if "action=join" in d)
    event = chat.sender.postback(UID, data)
    processor = app.extensions["inbox_worker"].processor
    crash_once(monkeypatch, processor.answers, "deliver")  # after the commit, before the reply
    before = len(line.delivered(UID))
    with pytest.raises(Crash):
        chat.post(event)
    row = row_of(app, event)
    assert row.status == "answering" and row.answered_at is None and row.answer is not None
    assert len(line.delivered(UID)) == before  # nothing went out
    return event


def joined_once(app) -> bool:
    with app.extensions["bot"].db.session() as s:
        members = list(s.scalars(select(Member).where(Member.line_user_id == UID)))
        ledger = s.scalar(select(func.count()).select_from(PointsLedger).where(PointsLedger.member_id == members[0].id))
    return len(members) == 1 and members[0].status == "member" and ledger == 1


def test_a_redelivery_answers_through_the_reply_token_once(app, chat, line, clock, joining):
    before = len(delivered(line))
    clock.advance(timedelta(seconds=10))  # past the wait for an earlier try still on its way
    assert chat.post(redelivered(joining)).status_code == 200
    row = row_of(app, joining)
    assert (row.status, row.answered_by, row.answer) == ("done", "reply", None) and row.answered_at == clock.now()
    got = delivered(line)[before:]
    assert len(got) >= 1 and {d["how"] for d in got} == {"reply"}
    assert "小明" in json.dumps([d["message"] for d in got], ensure_ascii=False)  # the welcome, not "already a member"
    assert len(chat.replies_to(joining)) == 1
    # again: LINE redelivers, the sweeper sweeps; nothing more goes out, and the handler never ran twice
    clock.advance(timedelta(seconds=10))
    assert chat.post(redelivered(joining)).status_code == 200
    assert app.extensions["inbox_worker"].sweep() == 0
    assert len(delivered(line)) == before + len(got)
    assert joined_once(app)


def test_a_redelivery_while_the_first_try_may_be_on_its_way_waits_for_the_sweeper(app, chat, line, clock, joining):
    assert chat.post(redelivered(joining)).status_code == 200  # at once: the dead process's try could be in flight
    assert row_of(app, joining).status == "answering" and chat.replies_to(joining) == []
    clock.advance(timedelta(seconds=10))
    assert app.extensions["inbox_worker"].sweep() == 1
    assert row_of(app, joining).answered_by == "reply" and len(chat.replies_to(joining)) == 1
    assert app.extensions["inbox_worker"].sweep() == 0


def test_a_reply_that_went_before_the_crash_is_not_sent_again(app, chat, line, clock, monkeypatch):
    line.add_user(UID, "小明", "zh-TW")
    chat.join(UID)
    processor = app.extensions["inbox_worker"].processor
    crash_once(monkeypatch, processor, "_record")  # LINE took the reply; the process died before noting it
    event = chat.sender.text(UID, "點數")
    with pytest.raises(Crash):
        chat.post(event)
    assert row_of(app, event).status == "answering"
    sent = len(delivered(line))
    clock.advance(timedelta(seconds=10))
    assert app.extensions["inbox_worker"].sweep() == 1  # the token was used: LINE refuses it, so it went
    row = row_of(app, event)
    assert (row.status, row.answered_by) == ("done", "reply")
    assert len(delivered(line)) == sent
    assert [c.status for c in line.calls_to("/v2/bot/message/reply") if c.body["replyToken"] == event["replyToken"]] \
        == [200, 400]


def test_a_connection_lost_while_noting_the_reply_is_noted_again_and_nothing_is_pushed(app, chat, line, clock,
                                                                                      monkeypatch):
    """The chaos test's case: LINE took the reply, the database connection was terminated as the event
    was marked answered; the sweeper came only after the token was stale and pushed the answer again."""
    from sqlalchemy.exc import OperationalError

    from bot import inbox

    line.add_user(UID, "小明", "zh-TW")
    chat.join(UID)
    real, calls = inbox.answered, []

    def connection_terminated_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("UPDATE inbox_events", {}, Exception("terminating connection due to "
                                   "administrator command"), connection_invalidated=True)
        return real(*args, **kwargs)

    monkeypatch.setattr(inbox, "answered", connection_terminated_once)
    event = chat.sender.text(UID, "點數")
    chat.post(event)
    assert len(calls) == 2
    row = row_of(app, event)
    assert (row.status, row.answered_by) == ("done", "reply")
    clock.advance(timedelta(minutes=2))
    assert app.extensions["inbox_worker"].sweep() == 0
    assert line.calls_to("/v2/bot/message/push") == []
    assert len(chat.replies_to(event)) == 1


def test_a_stale_answer_goes_once_as_a_push_under_its_retry_key(app, chat, line, clock, joining, monkeypatch):
    before = len(delivered(line))
    clock.advance(timedelta(minutes=2))  # the reply token is stale now
    processor = app.extensions["inbox_worker"].processor
    crash_once(monkeypatch, processor, "_record")  # and the worker dies once more, after LINE took the push
    with pytest.raises(Crash):
        app.extensions["inbox_worker"].sweep()
    assert row_of(app, joining).status == "answering"
    clock.advance(timedelta(seconds=10))
    assert app.extensions["inbox_worker"].sweep() == 1  # the same retry key: LINE answers 409, delivers nothing
    row = row_of(app, joining)
    assert (row.status, row.answered_by) == ("done", "push")
    got = delivered(line)[before:]
    assert got and {d["how"] for d in got} == {"push"}
    assert "小明" in json.dumps([d["message"] for d in got], ensure_ascii=False)
    pushes = line.calls_to("/v2/bot/message/push")
    assert [c.status for c in pushes] == [200, 409]
    assert len({c.headers.get("x-line-retry-key") for c in pushes}) == 1
    assert chat.replies_to(joining) == []
    assert joined_once(app)


def test_a_stale_answer_is_not_pushed_when_pushing_is_off(database_url, simulator_server, line, clock, sender,
                                                          monkeypatch):
    app = make_app(database_url, simulator_server.url, clock, REPLY_AS_PUSH_AFTER_SECONDS="off")
    chat = Chat(app.test_client(), sender, line)
    line.add_user(UID, "小明", "zh-TW")
    chat.join(UID)
    crash_once(monkeypatch, app.extensions["inbox_worker"].processor.answers, "deliver")
    event = chat.sender.text(UID, "點數")
    with pytest.raises(Crash):
        chat.post(event)
    clock.advance(timedelta(minutes=2))
    assert app.extensions["inbox_worker"].sweep() == 1
    row = row_of(app, event)
    assert row.status == "unanswered" and "REPLY_AS_PUSH_AFTER_SECONDS is off" in row.error and row.answer is None
    assert line.calls_to("/v2/bot/message/push") == [] and chat.replies_to(event) == []
    app.extensions["bot"].db.dispose()


def test_no_push_while_the_monthly_limit_stands(app, chat, line, clock, joining):
    with app.extensions["bot"].db.session(write=True) as s:
        sending_state.record_monthly_limit(s, clock.now(), "You have reached your monthly limit.")
    clock.advance(timedelta(minutes=2))
    assert app.extensions["inbox_worker"].sweep() == 1
    row = row_of(app, joining)
    assert row.status == "unanswered" and "monthly" in row.error
    assert line.calls_to("/v2/bot/message/push") == []


def test_line_down_leaves_the_answer_for_the_sweeper(app, chat, line, clock):
    line.add_user(UID, "小明", "zh-TW")
    chat.join(UID)
    line.inject(r"/v2/bot/message/reply$", 500)
    event = chat.sender.text(UID, "點數")
    assert chat.post(event).status_code == 200
    assert row_of(app, event).status == "answering"
    clock.advance(timedelta(seconds=10))
    assert app.extensions["inbox_worker"].sweep() == 1
    row = row_of(app, event)
    assert (row.status, row.answered_by) == ("done", "reply")
    assert [c.status for c in line.calls_to("/v2/bot/message/reply") if c.body["replyToken"] == event["replyToken"]] \
        == [500, 200]


def test_a_failed_handlers_fallback_is_answered_and_the_event_stays_failed(app, chat, line, monkeypatch):
    processor = app.extensions["inbox_worker"].processor
    monkeypatch.setattr(processor, "_run", lambda ctx: (_ for _ in ()).throw(RuntimeError("boom")))
    event = chat.sender.text(UID, "點數")
    assert chat.post(event).status_code == 200
    row = row_of(app, event)
    assert (row.status, row.answered_by) == ("failed", "reply") and row.error.startswith("RuntimeError")
    assert "抱歉" in chat.replies_to(event)[0][0]["text"]


def test_a_push_refused_for_the_monthly_limit_records_the_limit(app, chat, line, clock, joining):
    line.faults.monthly_limit(r"/v2/bot/message/push$")
    clock.advance(timedelta(minutes=2))
    assert app.extensions["inbox_worker"].sweep() == 1
    row = row_of(app, joining)
    assert row.status == "unanswered" and "monthly" in row.error
    with app.extensions["bot"].db.session() as s:
        assert sending_state.monthly_limit_reached_at(s) is not None
    assert [c.status for c in line.calls_to("/v2/bot/message/push")] == [429]


def test_a_reply_that_timed_out_goes_by_reply_only(database_url, simulator_server, line, clock, sender):
    """The chaos test's case (seed 900150): LINE acted on the reply but answered too late, and the next
    try came after the token was stale. A read that timed out may follow a delivered request, so the
    answer is stored as one that goes by reply only: the retry's refused token says it went, and
    nothing is pushed."""
    app = make_app(database_url, simulator_server.url, clock, LINE_TIMEOUT_SECONDS=0.5)
    chat = Chat(app.test_client(), sender, line)
    line.add_user(UID, "小明", "zh-TW")
    chat.join(UID)
    line.faults.slow(r"/v2/bot/message/reply$", delay=1.5)
    event = chat.sender.text(UID, "點數")
    chat.post(event)
    row = row_of(app, event)
    assert row.status == "answering" and row.answer["replyMayHaveGone"] is True
    time.sleep(1.5)  # LINE has dealt with the held call
    clock.advance(timedelta(minutes=2))  # the token is stale
    assert app.extensions["inbox_worker"].sweep() == 1
    row = row_of(app, event)
    assert (row.status, row.answered_by) == ("done", "reply")
    assert line.calls_to("/v2/bot/message/push") == []
    assert len(chat.replies_to(event)) == 1
    app.extensions["bot"].db.dispose()


def test_a_reply_refused_by_lines_gateway_may_still_be_pushed(app, chat, line, clock):
    """A 5xx: LINE did not take the reply, so once the token is stale the answer goes as a push."""
    line.add_user(UID, "小明", "zh-TW")
    chat.join(UID)
    line.faults.server_error(r"/v2/bot/message/reply$")
    event = chat.sender.text(UID, "點數")
    chat.post(event)
    assert row_of(app, event).answer["replyMayHaveGone"] is False
    clock.advance(timedelta(minutes=2))
    assert app.extensions["inbox_worker"].sweep() == 1
    assert row_of(app, event).answered_by == "push"
    assert chat.replies_to(event) == [] and [c.status for c in line.calls_to("/v2/bot/message/push")] == [200]


def test_only_a_connection_never_made_says_line_never_saw_the_request():
    import urllib3.exceptions as u

    from bot.line_client import _no_answer

    refused = u.MaxRetryError(None, "/v2/bot/message/reply", u.NewConnectionError(None, "refused"))
    assert _no_answer(refused).may_have_arrived is False
    assert _no_answer(u.ReadTimeoutError(None, "/v2/bot/message/reply", "read timed out")).may_have_arrived is True
    assert _no_answer(u.ProtocolError("Connection aborted.")).may_have_arrived is True
