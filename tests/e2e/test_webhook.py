"""The webhook's contract: signature, shapes of body, dedup, isolation of failures, ordering, speed."""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.dispatch import Handler
from core.models import InboxEvent
from rewards.models import Member

from ..conftest import ON_POSTGRES, TEST_SECRET, make_app
from ..turned_away import pooled_backends, terminate_connections
from .chat import Chat


def inbox_rows(app):
    with app.extensions["bot"].db.session() as s:
        return list(s.scalars(select(InboxEvent).order_by(InboxEvent.id)))


def test_bad_signature_is_400_and_nothing_stored(app, client, sender, line):
    event = sender.text("U" + "1" * 32, "點數")
    body = sender.body([event])
    response = client.post("/callback", data=body, headers={"X-Line-Signature": "bm90IHRoZSBzaWduYXR1cmU=",
                                                            "Content-Type": "application/json"})
    assert response.status_code == 400
    assert inbox_rows(app) == []
    assert line.calls == []


def test_missing_signature_is_400(app, client, sender):
    body = sender.body([sender.text("U" + "2" * 32, "點數")])
    assert client.post("/callback", data=body, content_type="application/json").status_code == 400
    assert inbox_rows(app) == []


@pytest.mark.parametrize("raw", [b'{"events": [', b"[]", b'{"destination": "U1"}', b"\xff\xfe", b'{"events": "x"}'])
def test_unreadable_signed_bodies_are_400(app, client, sender, raw):
    response = client.post("/callback", data=raw, headers={"X-Line-Signature": sender.sign(raw)},
                           content_type="application/json")
    assert response.status_code == 400
    assert inbox_rows(app) == []


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_a_signed_body_with_a_number_json_has_not_is_400_and_nothing_stored(app, client, sender, line, number):
    # Python's json reads these (the SDK's parser lets them through); PostgreSQL refuses them in JSON
    location = {"type": "location", "id": "1", "title": "店", "address": "台北", "latitude": 25.04, "longitude": 121.5}
    event = sender.event("message", "U" + "d" * 32, message=location)
    raw = sender.body([event]).replace(b'"latitude": 25.04', b'"latitude": ' + number.encode())
    assert number.encode() in raw
    response = client.post("/callback", data=raw, headers={"X-Line-Signature": sender.sign(raw)},
                           content_type="application/json")
    assert response.status_code == 400
    assert inbox_rows(app) == []
    assert line.calls_to("/v2/bot/message/reply") == []


def test_empty_events_list_is_200(chat, app):
    assert chat.post().status_code == 200
    assert inbox_rows(app) == []


def test_unknown_event_type_is_recorded_and_ignored(chat, app, line):
    event = chat.sender.event("somethingNewFromLine", "U" + "3" * 32)
    response = chat.sender.post_to_client(chat.client, [event], validate=False)
    assert response.status_code == 200
    [row] = inbox_rows(app)
    assert row.status == "ignored"
    assert line.calls_to("/v2/bot/message/reply") == []


def test_points_before_joining_invites_to_join(chat):
    messages = chat.say("U" + "4" * 32, "點數")
    assert any("action=join" in d for d in _datas(messages))


def _datas(messages):
    from .chat import postback_datas
    return postback_datas(messages)


def test_join_tapped_twice_makes_one_member(chat, app, line):
    uid = "U" + "5" * 32
    line.add_user(uid, "小明", "zh-TW")
    first = chat.join(uid)
    assert "小明" in json.dumps(first, ensure_ascii=False)
    second = chat.tap(uid, "action=join")
    assert "已經是會員" in json.dumps(second, ensure_ascii=False)
    with app.extensions["bot"].db.session() as s:
        members = list(s.scalars(select(Member).where(Member.line_user_id == uid)))
    assert len(members) == 1 and members[0].status == "member" and members[0].display_name == "小明"
    assert members[0].consent_at is not None


def test_points_answer_in_both_languages(chat, line):
    zh, en = "U" + "6" * 32, "U" + "7" * 32
    line.add_user(zh, "阿美", "zh-TW")
    line.add_user(en, "Amy", "en")
    chat.join(zh)
    chat.join(en)
    assert "點" in chat.say(zh, "點數")[0]["text"]
    assert "points" in chat.say(en, "points")[0]["text"]
    assert "Tier" in chat.say(en, "my points please")[0]["text"]


def test_the_same_event_twice_is_answered_once(chat, app, line):
    uid = "U" + "8" * 32
    chat.join(uid)
    event = chat.sender.text(uid, "points")
    assert chat.post(event).status_code == 200
    assert chat.post(event).status_code == 200
    assert len(chat.replies_to(event)) == 1
    redelivered = dict(event, deliveryContext={"isRedelivery": True})
    assert chat.post(redelivered).status_code == 200
    assert len(chat.replies_to(event)) == 1


def test_a_redelivered_event_seen_first_time_is_processed(chat, app):
    uid = "U" + "9" * 32
    event = chat.sender.follow(uid)
    event["deliveryContext"] = {"isRedelivery": True}
    assert chat.post(event).status_code == 200
    [row] = inbox_rows(app)
    assert row.is_redelivery and row.status == "done"


@pytest.mark.skipif(not ON_POSTGRES, reason="terminates PostgreSQL connections")
def test_an_event_after_the_database_closed_the_pooled_connections_is_taken(chat, app, line):
    """pg_terminate_backend (or a database restart) closes the pooled connections: the next webhook is
    recorded on a new one and answered 200, not 500 (found by the chaos test)."""
    uid = "U" + "7" * 32
    chat.follow(uid)
    db = app.extensions["bot"].db
    assert terminate_connections(db, pids=pooled_backends(db)) == 1
    event = chat.sender.text(uid, "points")
    assert chat.post(event).status_code == 200
    assert len(chat.replies_to(event)) == 1
    assert [row.status for row in inbox_rows(app)] == ["done", "done"]


def test_a_failing_handler_does_not_stop_its_neighbours(chat, app, line, monkeypatch):
    import handlers.account as points_module

    a, b, c = "U" + "a" * 32, "U" + "b" * 32, "U" + "c" * 32
    for uid in (a, b, c):
        chat.join(uid)

    original = points_module.points

    def explode_for_b(ctx):
        if ctx.event.user_id == b:
            raise RuntimeError("phone 0912345678 must never reach the log")
        return original(ctx)

    dispatcher_routes = app.extensions["inbox_worker"].processor.dispatcher.routers
    router = next(r for r in dispatcher_routes if r.name == "account")
    monkeypatch.setattr(router, "routes", [replace(r, handler=Handler(explode_for_b)) for r in router.routes])
    events = [chat.sender.text(uid, "點數") for uid in (a, b, c)]
    assert chat.post(*events).status_code == 200
    replies = [chat.replies_to(e) for e in events]
    assert "點" in replies[0][0][0]["text"] and "點" in replies[2][0][0]["text"]
    assert "抱歉" in replies[1][0][0]["text"]  # the polite fallback
    rows = {r.webhook_event_id: r for r in inbox_rows(app)}
    failed = rows[events[1]["webhookEventId"]]
    assert failed.status == "failed" and failed.error.startswith("RuntimeError")
    assert "0912345678" not in failed.error


def test_failure_log_has_no_personal_data(chat, app, caplog, monkeypatch):
    router = next(r for r in app.extensions["inbox_worker"].processor.dispatcher.routers if r.name == "account")

    def explode(ctx):
        raise ValueError("birthday 1990-03-15 phone 0912345678")

    monkeypatch.setattr(router, "routes", [replace(r, handler=Handler(explode)) for r in router.routes])
    uid = "U" + "d" * 32
    chat.join(uid)
    chat.say(uid, "點數")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "ValueError" in logged
    assert "0912345678" not in logged and "1990-03-15" not in logged and TEST_SECRET not in logged


def test_standby_events_get_no_messages(chat, app, line):
    uid = "U" + "e" * 32
    event = chat.sender.text(uid, "點數", mode="standby")
    assert chat.post(event).status_code == 200
    assert chat.replies_to(event) == []
    assert inbox_rows(app)[0].status == "ignored"


def test_crash_between_inbox_and_processing_is_finished_by_the_sweeper(database_url, simulator_server, line,
                                                                        clock, sender):
    crashed = make_app(database_url, simulator_server.url, clock, INBOX_MODE="off")
    uid = "U" + "f" * 32
    event = sender.follow(uid)
    assert sender.post_to_client(crashed.test_client(), [event]).status_code == 200
    assert inbox_rows(crashed)[0].status == "pending"
    crashed.extensions["bot"].db.dispose()

    restarted = make_app(database_url, simulator_server.url, clock, INBOX_MODE="sync")
    worker = restarted.extensions["inbox_worker"]
    assert worker.sweep() == 0  # too fresh: the web process may still be on it
    clock.advance(timedelta(seconds=40))
    assert worker.sweep() == 1
    assert worker.sweep() == 0
    [row] = inbox_rows(restarted)
    assert row.status == "done" and row.answered_by == "reply"  # 40 s: the reply token still serves
    assert len(Chat(restarted.test_client(), sender, line).replies_to(event)) == 1
    restarted.extensions["bot"].db.dispose()


def test_half_processed_event_is_reclaimed_after_its_lease(database_url, simulator_server, line, clock, sender):
    from bot import inbox

    app = make_app(database_url, simulator_server.url, clock, INBOX_MODE="off")
    uid = "U" + "0" * 31 + "1"
    sender.post_to_client(app.test_client(), [sender.follow(uid)])
    db = app.extensions["bot"].db
    with db.session() as s:
        row_id = s.scalar(select(InboxEvent.id))
        assert inbox.claim(s, row_id, clock.now())  # a worker took it, then died before committing effects
    worker = make_app(database_url, simulator_server.url, clock, INBOX_MODE="sync").extensions["inbox_worker"]
    clock.advance(timedelta(minutes=1))
    assert worker.sweep() == 0
    clock.advance(inbox.LEASE)
    assert worker.sweep() == 1
    with db.session() as s:
        assert s.scalar(select(InboxEvent.status)) == "done"
        assert s.scalar(select(func.count()).select_from(Member)) == 1


def test_one_users_events_are_processed_in_order(chat, app, line):
    uid = "U" + "0" * 31 + "2"
    line.add_user(uid, "Amy", "en")
    events = [chat.sender.follow(uid), chat.sender.postback(uid, "action=join"), chat.sender.text(uid, "points")]
    assert chat.post(*events).status_code == 200
    assert "Welcome aboard" in chat.replies_to(events[1])[0][0]["text"]
    assert "You have 50 points" in chat.replies_to(events[2])[0][0]["text"]
