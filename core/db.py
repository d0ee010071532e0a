"""The database engine and the one idiom for a unit of work.

    with db.session(write=...) as s: ...      # a block: commits when it ends, rolls back on an error
    db.run(work, write=...)                    # the same for `work(s)`, run again on a transient conflict
    db.run(work, write=..., core=True)         # the same on a Core connection: statements only
    db.run(work, core=True, autocommit=True)   # a unit that is ONE write statement: no transaction around it

Units are opened by the edges (a webhook event, an API request, a console page, a CLI command, a
sweep's batch), outside the domain functions they call: those take the session as a parameter and
never commit or roll back themselves. `write=True` says the unit reads and then writes (SQLite then
takes its write lock up front). `core=True` is for the webhook's hot path, whose units are a few
prepared statements: a Core connection's transaction costs half an ORM session's. `autocommit=True`
is for a unit whose one write is a single statement (atomic by itself; reads may come after it):
each statement commits as it runs, which on PostgreSQL is one round trip instead of three (BEGIN,
the statement, COMMIT) and the same wait for the commit to reach the disk.
"""
from __future__ import annotations

import fcntl
import os
import threading
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Callable, Iterator, TypeVar

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

T = TypeVar("T")


def normalise_url(url: str) -> str:
    """Accept the URLs platforms hand out (postgres://, postgresql://) and use psycopg 3 for them."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


# PostgreSQL refuses a new connection while every slot is taken ("sorry, too many clients already":
# fifty tills at once, other programs on the same server) or while it starts up; a moment later it
# takes it. So a connection is waited for there, a few seconds at most, instead of failing the
# request with a 500 that a till would show as an error when the answer is a plain 409.
SERVER_BUSY = ("too many clients", "remaining connection slots", "the database system is starting up")
CONNECT_WAITS = (0.1, 0.2, 0.4, 0.8, 1.6, 3.2)


@event.listens_for(Engine, "do_connect")
def _connect_patiently(dialect, _record, cargs, cparams):
    """Every engine's new PostgreSQL connection (the app's and any other made in this process)."""
    if dialect.name != "postgresql":
        return None  # SQLAlchemy's own connect
    for wait in (*CONNECT_WAITS, None):
        try:
            return dialect.connect(*cargs, **cparams)
        except dialect.loaded_dbapi.OperationalError as exc:
            if wait is None or not any(busy in str(exc) for busy in SERVER_BUSY):
                raise
            time.sleep(wait)
    raise AssertionError("unreachable")


def make_engine(url: str, durable: bool = True) -> Engine:
    """The engine; `hide_parameters`: an error's text (which Flask's default handler logs) never
    carries the statement's values (search terms, LINE user ids, payloads). `durable=False`
    (PostgreSQL): a small pool whose commits return before they reach the disk (see `connection`)."""
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            # Let SQLAlchemy, not the driver, say when a transaction begins: the driver's own
            # handling would commit a whole transaction when a SAVEPOINT that began it is released.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            # a unit of work that will write takes the write lock up front: it then waits its turn
            # (busy_timeout) instead of failing when another writer commits between its read and write
            options = conn.get_execution_options()
            if not options.get("sqlite_autocommit"):  # else each statement is its own transaction
                conn.exec_driver_sql("BEGIN IMMEDIATE" if options.get("sqlite_immediate") else "BEGIN")

        return engine
    # no ping per checkout (a round trip on every unit of work): connections are recycled before
    # servers or proxies drop idle ones, and a unit of work that meets a dead one is retried
    # no JIT: it compiles for a second or so whenever the planner's estimate is high (a sweep's
    # INSERT ... SELECT over a batch of members), and short statements gain nothing from it
    return create_engine(url, pool_recycle=300, pool_size=10 if durable else 2, max_overflow=20,
                         hide_parameters=True,
                         connect_args={"options": "-c jit=off" + ("" if durable else " -c synchronous_commit=off")})


class WriterQueue:
    """SQLite's writers, one at a time across this file's processes, waiting in a queue that wakes
    the next at once: this process's threads take turns (an `urgent` unit, a short one someone is
    waiting for, goes before the others waiting here), then the one whose turn it is takes an flock
    on a file beside the database for its write transaction.

    SQLite's own wait for its write lock (busy_timeout) polls, sleeping up to 100 ms between tries,
    so a writer that has waited a while keeps missing the lock to newcomers: with 16 senders a
    short unit of work (a shop delivery's one INSERT) waited behind longer ones for a second at p99.
    Re-entrant per thread (a write unit opened inside another waits for SQLite as before)."""

    def __init__(self, path: str):
        self.path = path
        self._fresh()

    def _fresh(self) -> None:
        self.turns = threading.Condition()
        self.busy = False
        self.urgent_waiting = 0
        self.held = threading.local()
        self.fd: int | None = None
        self.pid = os.getpid()

    @contextmanager
    def turn(self, urgent: bool = False) -> Iterator[None]:
        if self.pid != os.getpid():  # a forked child: the parent's descriptor would share its lock
            self._fresh()
        if getattr(self.held, "depth", 0):
            self.held.depth += 1
            try:
                yield
            finally:
                self.held.depth -= 1
            return
        with self.turns:
            self.urgent_waiting += urgent
            try:
                while self.busy or (not urgent and self.urgent_waiting):
                    self.turns.wait()
            finally:
                self.urgent_waiting -= urgent
            self.busy = True
            if self.fd is None:
                self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX)
            self.held.depth = 1
            try:
                yield
            finally:
                self.held.depth = 0
                fcntl.flock(self.fd, fcntl.LOCK_UN)
        finally:
            with self.turns:
                self.busy = False
                self.turns.notify_all()

    def close(self) -> None:
        with self.turns:
            while self.busy:
                self.turns.wait()
            if self.fd is not None:
                os.close(self.fd)
                self.fd = None


def writer_queue(engine: Engine) -> WriterQueue | None:
    """The queue of a SQLite file's writers; None elsewhere (PostgreSQL locks rows, and an in-memory
    database has one connection)."""
    if engine.dialect.name != "sqlite" or not engine.url.database or engine.url.database == ":memory:":
        return None
    return WriterQueue(engine.url.database + "-writer")


class Database:
    def __init__(self, url: str):
        self.url = normalise_url(url)
        self.engine = make_engine(self.url)
        self.sessionmaker = sessionmaker(self.engine, expire_on_commit=False)
        self.writers = writer_queue(self.engine)
        # PostgreSQL: the engine of the units that need not wait for the disk (its pool connects on
        # first use); SQLite's commits in WAL mode with synchronous=NORMAL wait for no disk anyway
        self.lazy_engine = make_engine(self.url, durable=False) if self.is_postgres else self.engine

    def _engine(self, durable: bool) -> Engine:
        return self.engine if durable else self.lazy_engine

    def _turn(self, write: bool, urgent: bool = False):
        """A write unit's place in SQLite's queue of writers (nothing to wait for otherwise)."""
        return self.writers.turn(urgent) if write and self.writers is not None else nullcontext()

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @contextmanager
    def connection(self, write: bool = False, urgent: bool = False, autocommit: bool = False,
                   durable: bool = True) -> Iterator[Connection]:
        """`session`'s unit of work on a Core connection (statements only, no ORM objects).
        `urgent`: a short write an answer waits for, which on SQLite goes before the other writers
        waiting in this process (WriterQueue); `autocommit`: no transaction, each statement commits
        as it runs (see the module's doc); `durable=False`: on PostgreSQL the commit returns before
        it reaches the disk (synchronous_commit off: a crash of the server, not of this process,
        may lose the last fraction of a second of such commits), for a write whose loss the
        caller recovers from anyway; any durable commit after it carries it to the disk too."""
        with self._turn(write, urgent):
            conn = self._engine(durable).connect()
            sqlite = self.engine.dialect.name == "sqlite"
            if autocommit:
                # SQLite's driver runs in autocommit already (the "connect" listener): only the BEGIN is left out
                conn = conn.execution_options(**({"sqlite_autocommit": True} if sqlite
                                                 else {"isolation_level": "AUTOCOMMIT"}))
            elif write and sqlite:
                conn = conn.execution_options(sqlite_immediate=True)
            try:
                with conn.begin():
                    yield conn
            finally:
                conn.close()

    @contextmanager
    def session(self, write: bool = False) -> Iterator[Session]:
        """One unit of work: commits when the block ends normally, rolls back on an exception.

        `write=True` says the unit reads and then writes; on SQLite it then queues for the write
        lock at its start (PostgreSQL needs nothing: its row locks do this per row).
        """
        with self._turn(write):
            session = self.sessionmaker()
            if write and self.engine.dialect.name == "sqlite":
                session.connection(execution_options={"sqlite_immediate": True})
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
            finally:
                session.close()

    def is_transient(self, exc: BaseException) -> bool:
        """An error that a retry of the whole unit of work can cure.

        SQLite in WAL mode answers "database is locked" at once (busy_timeout does not help) when a
        transaction that began by reading tries to write after another writer committed.
        """
        if isinstance(exc, DBAPIError) and exc.connection_invalidated:
            return True  # a pooled connection the server had closed (no ping per checkout): run again
        if self.engine.dialect.name != "sqlite":
            return False
        message = str(getattr(exc, "orig", exc)).lower()
        return isinstance(exc, OperationalError) and ("locked" in message or "busy" in message)

    def run(self, work: Callable[[Session], T], write: bool = False, attempts: int = 5, core: bool = False,
            urgent: bool = False, autocommit: bool = False, durable: bool = True) -> T:
        """`work(session)` as one unit of work, run again (from scratch) on a transient conflict;
        `core=True` hands it a Core connection instead (`connection`, where `urgent`, `durable` and
        `autocommit` apply: `autocommit=True`, no transaction around the work, whose one write must
        be a single statement).

        The work must be safe to re-run: its effects were rolled back, so nothing happens twice.
        """
        if autocommit and not core:
            raise ValueError("autocommit is for Core units (core=True)")
        for attempt in range(1, attempts + 1):
            try:
                with (self.connection(write, urgent, autocommit, durable) if core else self.session(write)) as session:
                    return work(session)
            except Exception as exc:
                if attempt == attempts or not self.is_transient(exc):
                    raise
                time.sleep(0.05 * attempt)
        raise AssertionError("unreachable")

    @staticmethod
    def is_autocommit(conn: Connection) -> bool:
        """Whether `conn` runs each statement as its own transaction (`connection(autocommit=True)`)."""
        options = conn.get_execution_options()
        return bool(options.get("sqlite_autocommit")) or options.get("isolation_level") == "AUTOCOMMIT"

    def ping(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("select 1"))
            return True
        except Exception:  # noqa: BLE001 - health check reports, never raises
            return False

    def dispose(self) -> None:
        self.engine.dispose()
        if self.lazy_engine is not self.engine:
            self.lazy_engine.dispose()
        if self.writers is not None:
            self.writers.close()
