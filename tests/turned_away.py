"""What a busy or restarted PostgreSQL server does to a process: it refuses new connections for a
moment (every slot taken), or terminates the open ones (pg_terminate_backend, a restart)."""
from __future__ import annotations

import threading

import psycopg
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from core.db import Database

REFUSAL = ('connection failed: connection to server at "127.0.0.1", port 5432 failed: '
           "FATAL:  sorry, too many clients already")


def refuse_connections(monkeypatch, n: int) -> list[int]:
    """Refuse the next `n` connections (psycopg.connect, as SQLAlchemy's pool calls it); the list
    holds how many refusals are left."""
    real = psycopg.connect
    left = [n]
    lock = threading.Lock()

    def connect(*args, **kwargs):
        with lock:
            refuse = left[0] > 0
            left[0] -= int(refuse)
        if refuse:
            raise psycopg.OperationalError(REFUSAL)
        return real(*args, **kwargs)

    monkeypatch.setattr(psycopg, "connect", connect)
    return left


def terminate_connections(db: Database, *, pids: list[int] | None = None, application_name: str | None = None) -> int:
    """pg_terminate_backend on connections to `db`'s database (never another database's): those with
    these backend pids, or those of this application_name; from a connection of its own. How many."""
    terminator = create_engine(db.url, poolclass=NullPool)
    try:
        with terminator.connect() as conn:
            killed = conn.execute(text(
                "select count(*) filter (where pg_terminate_backend(pid)) from pg_stat_activity where "
                "datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend' "
                "and (pid = any(:pids) or application_name = :name)"), {"pids": pids or [], "name": application_name}
            ).scalar()
    finally:
        terminator.dispose()
    return int(killed or 0)


def pooled_backends(db: Database) -> list[int]:
    """The backend pid of the connection `db`'s pool hands out next (a test's one connection)."""
    with db.engine.connect() as conn:
        return [conn.execute(text("select pg_backend_pid()")).scalar()]
