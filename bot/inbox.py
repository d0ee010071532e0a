"""The webhook inbox: events recorded by LINE's webhookEventId, then claimed one at a time.

Claiming is a conditional UPDATE (works the same on SQLite and PostgreSQL): an event is taken when
it is pending (or its claim went stale after a crash) and no earlier event of the same conversation
is still unfinished, so one user's events are handled in order. The claim is a lease: effects and
the event's answer are committed together later ("answering"), so a crash in between leaves the
event to be claimed again with no effect applied. It is "done" only once its answer has gone
(bot/answers.py); an answer a crash left unsent is taken again by `claim_answer`.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, case, exists, func, or_, select, update
from sqlalchemy.orm import Session

from .events import conversation_key
from core.bulk import dialect_of, insert_for
from core.models import InboxEvent

LEASE = timedelta(minutes=5)
UNFINISHED = ("pending", "processing")


# The statements on every event's path are built once, on the table (not the mapped class): building
# a statement and the ORM's handling of it cost more than running it.
INBOX = InboxEvent.__table__
_RECORD: dict[tuple[str, bool], object] = {}


def _record_statement(session: Session, claiming: bool):
    """Built once per dialect: INSERT ... ON CONFLICT (webhook_event_id) DO NOTHING RETURNING id, the
    row's status; `claiming`: the new row is claimed as it is written ("processing") unless an
    earlier event of its conversation is unfinished. Only where writers take turns (SQLite's one
    write lock): two writers at once would each miss the other's uncommitted row."""
    key = (dialect_of(session), claiming)
    if key not in _RECORD:
        stmt = insert_for(session, INBOX)
        if claiming:
            earlier = INBOX.alias("earlier")
            waits = exists().where(earlier.c.user_key == bindparam("of_user"), earlier.c.status.in_(UNFINISHED))
            stmt = stmt.values(status=case((waits, "pending"), else_="processing"),
                               claimed_at=case((waits, None), else_=bindparam("claimed_now")),
                               attempts=case((waits, 0), else_=1))
        _RECORD[key] = (stmt.on_conflict_do_nothing(index_elements=["webhook_event_id"])
                        .returning(INBOX.c.id, INBOX.c.status))
    return _RECORD[key]


def record(session: Session, events: list[dict], now: datetime) -> list[int]:
    """Insert each event unless its webhookEventId is known; return the ids of the new rows."""
    return [row_id for row_id, _event, _status in _insert_new(session, events, now, claiming=False)]


def record_and_claim(session: Session, events: list[dict], now: datetime) -> tuple[list[int], dict[int, tuple]]:
    """`record`, each new event claimed by its INSERT where it may go now (as `claim` would): the ids
    of the new rows, and for those claimed their (payload, user_key, received_at) for `process`.

    For SQLite, whose writers take turns: it saves the claim's statement (and, for a body of one
    event, its transaction: the INSERT is the whole unit). A new event behind an earlier unfinished
    one of its conversation stays pending, as `claim` says."""
    new_ids, claimed = [], {}
    for row_id, event, status in _insert_new(session, events, now, claiming=True):
        new_ids.append(row_id)
        if status == "processing":
            claimed[row_id] = (event, conversation_key(event)[:64], now)
    return new_ids, claimed


def _insert_new(session: Session, events: list[dict], now: datetime, claiming: bool) -> list[tuple[int, dict, str]]:
    stmt = _record_statement(session, claiming)
    new = []
    for event in events:
        params = {"webhook_event_id": event["webhookEventId"], "event_type": str(event.get("type") or "")[:40],
                  "user_key": conversation_key(event)[:64],
                  "is_redelivery": bool((event.get("deliveryContext") or {}).get("isRedelivery")),
                  "payload": event, "received_at": now}
        # (the claiming statement's own names for what the row's columns also get)
        params |= {"of_user": params["user_key"], "claimed_now": now} if claiming else {"status": "pending", "attempts": 0}
        row = session.execute(stmt, params).first()
        if row is not None:
            new.append((row[0], event, row[1]))
    return new


def _claim_statement():
    """Built once: the conditional UPDATE that takes one event (see the module's doc)."""
    earlier = INBOX.alias("earlier")
    blocked_by_earlier = exists().where(
        earlier.c.user_key == INBOX.c.user_key, earlier.c.id < INBOX.c.id, earlier.c.status.in_(UNFINISHED))
    claimable = or_(INBOX.c.status == "pending",
                    and_(INBOX.c.status == "processing", INBOX.c.claimed_at < bindparam("stale_before")))
    return (update(INBOX)
            .where(INBOX.c.id == bindparam("event_id"), claimable, ~blocked_by_earlier)
            .values(status="processing", claimed_at=bindparam("now"), attempts=INBOX.c.attempts + 1))


CLAIM = _claim_statement()
CLAIM_RETURNING = CLAIM.returning(INBOX.c.payload, INBOX.c.user_key, INBOX.c.received_at)
# the next pending event of the updated row's conversation, read in its UPDATE's RETURNING
_PENDING = INBOX.alias("pending")
NEXT_OF_ROW = (select(_PENDING.c.id).where(_PENDING.c.user_key == INBOX.c.user_key, _PENDING.c.status == "pending")
               .order_by(_PENDING.c.id).limit(1).correlate(INBOX).scalar_subquery())
# an answer to send makes the event "answering" (claimed_at: when, for the retries' wait)
FINISH = (update(INBOX).where(INBOX.c.id == bindparam("event_id"), INBOX.c.status == "processing")
          .values(status=bindparam("status"), processed_at=bindparam("now"), error=bindparam("error"), payload=None,
                  answer=bindparam("answer"), claimed_at=bindparam("now"))
          .returning(NEXT_OF_ROW))
CLAIM_ANSWER = (update(INBOX).where(INBOX.c.id == bindparam("event_id"), INBOX.c.status == "answering",
                                    INBOX.c.claimed_at < bindparam("tried_before"))
                .values(claimed_at=bindparam("now"), attempts=INBOX.c.attempts + 1).returning(INBOX.c.answer))
KEEP_ANSWER = (update(INBOX).where(INBOX.c.id == bindparam("event_id"), INBOX.c.status == "answering")
               .values(answer=bindparam("answer", type_=INBOX.c.answer.type)))
ANSWERED = (update(INBOX).where(INBOX.c.id == bindparam("event_id"), INBOX.c.status == "answering")
            .values(status=case((INBOX.c.error.is_(None), "done"), else_="failed"), answered_at=bindparam("now"),
                    answered_by=bindparam("by"), answer=None))
UNANSWERED = (update(INBOX).where(INBOX.c.id == bindparam("event_id"), INBOX.c.status == "answering")
              .values(status="unanswered", answer=None,
                      error=func.coalesce(INBOX.c.error + "; ", "") + "answer not delivered: " + bindparam("why")))


def claim(session: Session, event_id: int, now: datetime) -> bool:
    """Take the event for processing; False when another worker has it, it is done, or it must wait."""
    result = session.execute(CLAIM, {"event_id": event_id, "now": now, "stale_before": now - LEASE})
    return result.rowcount == 1


def claim_payload(session: Session, event_id: int, now: datetime) -> tuple[dict | None, str, datetime] | None:
    """`claim`, reading the event's (payload, user_key, received_at) in the same UPDATE ... RETURNING;
    None when not taken."""
    row = session.execute(CLAIM_RETURNING, {"event_id": event_id, "now": now, "stale_before": now - LEASE}).first()
    return (row[0], row[1], row[2]) if row is not None else None


def finish(session: Session, event_id: int, now: datetime, status: str = "done", error: str | None = None,
           answer: dict | None = None) -> tuple[bool, int | None]:
    """Mark a claimed event handled (in the same transaction as its effects): with an `answer` still
    to send it is "answering", else `status` at once. Returns whether the claim still held, and the
    next pending event of its conversation (read by the same statement), which is the caller's to
    process: recorded meanwhile, it could not be claimed while this one was unfinished."""
    row = session.execute(FINISH, {"event_id": event_id, "now": now, "error": error, "answer": answer,
                                   "status": "answering" if answer is not None else status}).first()
    return (True, row[0]) if row is not None else (False, None)


def claim_answer(session: Session, event_id: int, now: datetime, tried_before: datetime) -> tuple[dict | None] | None:
    """Take an unsent answer to try again, unless it was last tried at `tried_before` or later (that
    try may still be on its way). Returns (answer,) (the answer None if erased since), or None when
    there is nothing to take."""
    row = session.execute(CLAIM_ANSWER, {"event_id": event_id, "now": now, "tried_before": tried_before}).first()
    return (row[0],) if row is not None else None


def keep_answer(session: Session, event_id: int, answer: dict) -> bool:
    """The answer, still to go, as it now stands (which way it may go: bot/answers.py)."""
    return session.execute(KEEP_ANSWER, {"event_id": event_id, "answer": answer}).rowcount == 1


def answered(session: Session, event_id: int, now: datetime, by: str) -> bool:
    """LINE accepted the answer: the event is done (failed, for a handler's error's fallback)."""
    return session.execute(ANSWERED, {"event_id": event_id, "now": now, "by": by}).rowcount == 1


def unanswered(session: Session, event_id: int, why: str) -> bool:
    """The answer cannot go: say why, after the handler's error if there was one."""
    return session.execute(UNANSWERED, {"event_id": event_id, "why": why[:500]}).rowcount == 1


def stale(session: Session, now: datetime, pending_for: timedelta = timedelta(seconds=30)) -> list[int]:
    """Events a crash left behind: pending too long, or processing past the lease."""
    return list(session.scalars(
        select(InboxEvent.id)
        .where(or_(and_(InboxEvent.status == "pending", InboxEvent.received_at < now - pending_for),
                   and_(InboxEvent.status == "processing", InboxEvent.claimed_at < now - LEASE)))
        .order_by(InboxEvent.id).limit(500)))


def unsent_answers(session: Session, tried_before: datetime) -> list[int]:
    """Events whose answer was stored but has not gone, last tried before `tried_before`."""
    return list(session.scalars(
        select(InboxEvent.id).where(InboxEvent.status == "answering", InboxEvent.claimed_at < tried_before)
        .order_by(InboxEvent.id).limit(500)))


def waiting(session: Session, webhook_event_ids: list[str]) -> tuple[list[int], list[int]]:
    """Of these events (a redelivery's), the ids still pending and those whose answer has not gone."""
    rows = session.execute(select(InboxEvent.id, InboxEvent.status).where(
        InboxEvent.webhook_event_id.in_(webhook_event_ids), InboxEvent.status.in_(("pending", "answering")))
        .order_by(InboxEvent.id)).all()
    return ([i for i, status in rows if status == "pending"], [i for i, status in rows if status == "answering"])
