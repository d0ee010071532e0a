"""Copies of one event arriving at the same moment, and a slow handler behind a fast webhook."""
from __future__ import annotations

import threading
import time

from sqlalchemy import func, select

from core.models import InboxEvent
from rewards.models import Member

from ..conftest import make_app
from .chat import Chat


def _post_at_once(app, sender, events_per_thread):
    barrier = threading.Barrier(len(events_per_thread))
    statuses = []

    def go(events):
        client = app.test_client()
        barrier.wait()
        statuses.append(sender.post_to_client(client, events).status_code)

    threads = [threading.Thread(target=go, args=(e,)) for e in events_per_thread]
    [t.start() for t in threads]
    [t.join() for t in threads]
    return statuses


def test_the_same_event_twice_at_once_has_one_effect(app, sender, line):
    uid = "U" + "1" * 31 + "a"
    chat = Chat(app.test_client(), sender, line)
    chat.follow(uid)
    tap = sender.postback(uid, "action=join")
    assert _post_at_once(app, sender, [[tap]] * 4) == [200] * 4
    assert len(chat.replies_to(tap)) == 1
    with app.extensions["bot"].db.session() as s:
        assert s.scalar(select(func.count()).select_from(InboxEvent).where(
            InboxEvent.webhook_event_id == tap["webhookEventId"])) == 1
        assert s.scalar(select(Member.status).where(Member.line_user_id == uid)) == "member"


def test_two_join_taps_at_once_make_one_member(app, sender, line):
    uid = "U" + "1" * 31 + "b"
    chat = Chat(app.test_client(), sender, line)
    chat.follow(uid)
    taps = [sender.postback(uid, "action=join") for _ in range(3)]
    assert _post_at_once(app, sender, [[t] for t in taps]) == [200] * 3
    answers = [chat.replies_to(t)[0][0]["text"] for t in taps]
    assert sum("歡迎加入" in a for a in answers) == 1
    with app.extensions["bot"].db.session() as s:
        assert s.scalar(select(func.count()).select_from(Member).where(Member.line_user_id == uid)) == 1


def test_webhook_answers_fast_while_the_handler_is_slow(database_url, simulator_server, line, clock, sender):
    app = make_app(database_url, simulator_server.url, clock, INBOX_MODE="thread")
    try:
        uid = "U" + "1" * 31 + "c"
        line.inject(r"^/v2/bot/profile/", None, delay=2.0)  # the join handler asks for the profile
        client = app.test_client()
        sender.post_to_client(client, [sender.follow(uid)])
        tap = sender.postback(uid, "action=join")
        started = time.perf_counter()
        response = sender.post_to_client(client, [tap])
        elapsed = time.perf_counter() - started
        assert response.status_code == 200
        assert elapsed < 0.5, f"webhook took {elapsed:.2f}s while the handler was slow"
        chat = Chat(client, sender, line)
        deadline = time.time() + 10
        while not chat.replies_to(tap) and time.time() < deadline:
            time.sleep(0.05)
        assert "歡迎加入" in chat.replies_to(tap)[0][0]["text"]
    finally:
        app.extensions["inbox_worker"].shutdown()
        app.extensions["bot"].db.dispose()


def test_threaded_worker_keeps_one_users_order(database_url, simulator_server, line, clock, sender):
    app = make_app(database_url, simulator_server.url, clock, INBOX_MODE="thread", INBOX_THREADS=4)
    try:
        uid = "U" + "1" * 31 + "d"
        line.add_user(uid, "Amy", "en")
        client = app.test_client()
        events = [sender.follow(uid), sender.postback(uid, "action=join")] + [sender.text(uid, "points")
                                                                               for _ in range(3)]
        for e in events:  # separate requests, as LINE sends them
            assert sender.post_to_client(client, [e]).status_code == 200
        chat = Chat(client, sender, line)
        deadline = time.time() + 10
        while not all(chat.replies_to(e) for e in events) and time.time() < deadline:
            time.sleep(0.05)
        assert all("You have 50 points" in chat.replies_to(e)[0][0]["text"] for e in events[2:])
        app.extensions["inbox_worker"].shutdown()  # done is recorded just after each reply went
        with app.extensions["bot"].db.session() as s:
            assert set(s.scalars(select(InboxEvent.status))) == {"done"}
    finally:
        app.extensions["inbox_worker"].shutdown()
        app.extensions["bot"].db.dispose()
