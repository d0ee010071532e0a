"""One event, one transaction: claim (UPDATE ... RETURNING the payload), handler, finish (with the
answer) and the next-pending look-up are committed together; recording it is the request's own
transaction (on SQLite with the claim), and recording that the answer went one UPDATE after the reply."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

UID = "U" + "c" * 32


@contextmanager
def statements(engine):
    seen = []

    def listen(_conn, _cursor, statement, *_args):
        seen.append(statement.split(None, 1)[0].upper())

    def commit(_conn):
        seen.append("COMMIT")

    event.listen(engine, "before_cursor_execute", listen)
    event.listen(engine, "commit", commit)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", listen)
        event.remove(engine, "commit", commit)


def test_the_points_question_is_one_transaction_after_the_inbox_record(app, chat, line, monkeypatch):
    # understanding asks whether the catalog or the labels changed every few seconds, not per event
    from bot.understanding import current
    monkeypatch.setattr(current, "REFRESH_SECONDS", 60.0)
    line.add_user(UID, "小美", "zh-TW")
    chat.join(UID)
    engine = app.extensions["bot"].db.engine
    chat.say(UID, "點數")  # warm
    with statements(engine) as seen:
        reply = chat.say(UID, "點數")
    assert reply, "answered"
    # the webhook's record, then the event's one unit of work, then "answered" once the reply went
    # (SQLite claims in the record's transaction and looks up the next pending event after the reply:
    # its one write lock must not be held through the handler's LINE calls; "answered" shares the
    # look-up's)
    postgres = app.extensions["bot"].db.is_postgres
    assert seen.count("COMMIT") == 3, seen
    assert "SAVEPOINT" not in seen
    if postgres:
        work = seen[seen.index("COMMIT") + 1:]  # after the record
        assert [w for w in work if w != "BEGIN"][0] == "UPDATE", work  # the claim first, with the payload
    else:
        record = seen[:seen.index("COMMIT")]
        assert [w for w in record if w != "BEGIN"] == ["INSERT", "UPDATE"], record  # recorded and claimed
    # record; claim; the member with their handoff and conversation state (one SELECT); the points
    # expiring next; finish; the next pending event; answered (SQLite: before the look-up).
    # Understanding reads nothing: its model is this process's, and whether the catalog or staff
    # labels changed is asked every few seconds at most
    run = [w for w in seen if w not in ("BEGIN", "COMMIT")]
    assert run == ["INSERT", "UPDATE", "SELECT", "SELECT", "UPDATE"] + (
        ["SELECT", "UPDATE"] if postgres else ["UPDATE", "SELECT"]), seen
