"""The `點數` question's path to the database: the webhook's record is one INSERT committed as it runs
(on SQLite it also claims the event); the event's one transaction reads the member and the points
expiring next and finishes the event (the UPDATE also reads the conversation's next pending event;
on PostgreSQL the claim and the member are one statement, a WITH); recording that the answer went is
one UPDATE committed as it runs, after the reply (on PostgreSQL on the engine whose commits do not
wait for the disk)."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from core.db import Database

UID = "U" + "c" * 32


@contextmanager
def units(*engines):
    """Each unit of work run on `engines` meanwhile: ("transaction" or "autocommit", the first word of
    each of its statements)."""
    seen: list[tuple[str, list[str]]] = []

    def begin(conn):
        seen.append(("autocommit" if Database.is_autocommit(conn) else "transaction", []))

    def listen(_conn, _cursor, statement, *_args):
        word = statement.split(None, 1)[0].upper()
        if word != "BEGIN":  # SQLite's, sent by core.db's "begin" listener
            seen[-1][1].append(word)

    def savepoint(_conn, _name):
        seen.append(("savepoint", []))

    hooks = [(engine, name, fn) for engine in dict.fromkeys(engines)
             for name, fn in (("begin", begin), ("before_cursor_execute", listen), ("savepoint", savepoint))]
    for engine, name, fn in hooks:
        event.listen(engine, name, fn)
    try:
        yield seen
    finally:
        for engine, name, fn in hooks:
            event.remove(engine, name, fn)


def test_the_points_question_is_one_transaction_between_two_single_statements(app, chat, line, monkeypatch):
    # understanding asks whether the catalog or the labels changed every few seconds, not per event
    from bot.understanding import current
    monkeypatch.setattr(current, "REFRESH_SECONDS", 60.0)
    line.add_user(UID, "小美", "zh-TW")
    chat.join(UID)
    db = app.extensions["bot"].db
    chat.say(UID, "點數")  # warm
    with units(db.engine, db.lazy_engine) as seen:
        reply = chat.say(UID, "點數")
    assert reply, "answered"
    postgres = db.is_postgres
    # the record: one INSERT (SQLite: which claims the event too, its writers taking turns; PostgreSQL
    # claims in the event's transaction, with the payload)
    # the event's transaction: the member with their handoff and conversation state (one SELECT; on
    # PostgreSQL with the claim's UPDATE in its WITH); the points expiring next; finish, which also
    # reads the next pending event. Understanding
    # reads nothing: its model is this process's, and whether the catalog or staff labels changed is
    # asked every few seconds at most
    # then the reply, and "answered": one UPDATE
    assert seen == [("autocommit", ["INSERT"]),
                    ("transaction", ["WITH" if postgres else "SELECT", "SELECT", "UPDATE"]),
                    ("autocommit", ["UPDATE"])], seen
