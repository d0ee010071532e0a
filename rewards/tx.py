"""Transaction helpers shared by the domain. The caller owns the transaction; these never commit.

`savepoint(session)` is `session.begin_nested()` that is safe on SQLite too: in pysqlite's legacy
transaction mode a SAVEPOINT issued before any write *opens* the transaction, and releasing it then
COMMITS everything — so the caller could no longer roll back. We open the real transaction first.

`lock_member(session, member_id)` takes the member's row lock for the rest of the transaction with
a no-op UPDATE (PostgreSQL: row lock; SQLite: the database write lock). `SELECT ... FOR UPDATE` is a
no-op on SQLite, so we never rely on it. Every operation that changes a member's points, lots or
tier takes this lock *before* reading what it will change, so concurrent changes of one member are
serialised and each reads committed, current data (PostgreSQL's READ COMMITTED re-reads after the
lock wait).
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Iterator

from sqlalchemy import update
from sqlalchemy.orm import Session, SessionTransaction

from .models import Member

if TYPE_CHECKING:
    from core.sweep_batches import Skips


def ensure_transaction(session: Session) -> None:
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        return
    dbapi = conn.connection.dbapi_connection
    if dbapi is not None and not dbapi.in_transaction:
        conn.exec_driver_sql("BEGIN")


@contextmanager
def savepoint(session: Session) -> Iterator[SessionTransaction]:
    ensure_transaction(session)
    with session.begin_nested() as sp:
        yield sp


# the member's lock (an UPDATE that changes nothing), to be given its WHERE and any RETURNING:
# `lock_member` by id; rewards/membership.LOCKED_BY_CODE by code, reading the whole Member in the same
# statement (fresh after any wait for the lock, so `record_order(..., locked=True)` takes no lock again)
LOCK_WHERE = (update(Member).values(balance=Member.balance)
              .execution_options(synchronize_session=False, populate_existing=True))


def lock_member(session: Session, member_id: int, returning: tuple = ()):
    """Lock the member's row; with `returning` (columns), read them fresh in the same statement."""
    ensure_transaction(session)
    stmt = LOCK_WHERE.where(Member.id == member_id)
    if not returning:
        session.execute(stmt)
        return None
    return session.execute(stmt.returning(*returning)).one()




@contextmanager
def isolated(session: Session, skips: "Skips | None", row_id) -> Iterator[None]:
    """One row of a sweep's loop. Without `skips` (the fast path) nothing changes: an error is
    raised. With them, the row's work is a savepoint: if it fails, that row alone is undone, logged
    by id and skipped (core/sweep_batches.py)."""
    if skips is None:
        yield
        return
    try:
        with savepoint(session):
            yield
    except Exception as exc:  # noqa: BLE001 - the row is the problem: log it, skip it, go on
        skips.skip(row_id, exc)
