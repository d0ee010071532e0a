"""Fixtures for the loyalty domain's tests.

SQLite (a temp file per test module) by default; PostgreSQL when TEST_DATABASE_URL is a postgresql
URL. On PostgreSQL the tables live in a schema of their own (`rewards_t_<pid>`), so other test runs
sharing the database are not disturbed; it is dropped at the end. Tables are dropped and created
per test module, and every table is emptied after each test.

After every test that used `session`, every member must satisfy
    balance >= 0  and  balance == SUM(ledger.delta) == SUM(lots' remaining).
"""
from __future__ import annotations

import itertools
import os
import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from core.db import normalise_url

import rewards.models  # noqa: F401
from rewards import ledger
from core.orm import Base
from rewards.models import Member
from rewards.settings import ProgramSettings

from rewards_testkit import IS_PG, NOW, PG_URL, TZ  # noqa: F401

try:  # every table of the app, so foreign keys and drop/create see the whole schema
    import models_registry  # noqa: F401
except Exception:  # pragma: no cover - another room being rebuilt must not stop these tests
    try:
        import bot.models  # noqa: F401
    except Exception:
        pass



@pytest.fixture(scope="session")
def pg_schema():
    if not IS_PG:
        yield None
        return
    schema = f"rewards_t_{os.getpid()}"
    admin = create_engine(normalise_url(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield schema
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


def _sqlite_engine(path):
    # like the app's engine: pysqlite in its default (legacy) transaction mode
    engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    return engine


@pytest.fixture(scope="module")
def engine(pg_schema, tmp_path_factory):
    if IS_PG:
        eng = create_engine(normalise_url(PG_URL), pool_size=60, max_overflow=10, pool_timeout=60,
                            connect_args={"options": f"-csearch_path={pg_schema}"})
    else:
        eng = _sqlite_engine(tmp_path_factory.mktemp("rewards") / "test.db")
    Base.metadata.drop_all(eng)
    Base.metadata.create_all(eng)
    yield eng
    Base.metadata.drop_all(eng)
    eng.dispose()


@pytest.fixture
def session_factory(engine):
    return sessionmaker(engine, expire_on_commit=False)


@pytest.fixture
def unit_of_work(session_factory):
    """`run(work)`: work(session) as one unit of work, committed or rolled back (as core.db's `db.run`)."""
    def run(work):
        s = session_factory()
        try:
            result = work(s)
            s.commit()
            return result
        except BaseException:
            s.rollback()
            raise
        finally:
            s.close()
    return run


def _empty_all_tables(engine) -> None:
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def session(engine, session_factory):
    s = session_factory()
    try:
        yield s
        if not s.is_active:
            s.rollback()
        problems = ledger.find_inconsistencies(s)
        assert problems == [], f"balance != SUM(ledger) or lots, or negative: {problems}"
    finally:
        s.rollback()
        s.close()
        _empty_all_tables(engine)


@pytest.fixture
def settings():
    return ProgramSettings()


@pytest.fixture
def now():
    return NOW


_seq = itertools.count(1)


@pytest.fixture
def make_member(session):
    def make(status: str = "member", tier: str = "member", joined_days_ago: int = 1, language: str = "zh-TW",
             **kw) -> Member:
        n = next(_seq)
        m = Member(member_code=kw.pop("member_code", f"M{n:06d}"), line_user_id=f"U{uuid.uuid4().hex}",
                   status=status, tier=tier, language=language, created_at=NOW - timedelta(days=joined_days_ago),
                   joined_at=(NOW - timedelta(days=joined_days_ago)) if status == "member" else None, **kw)
        session.add(m)
        session.flush()
        return m
    return make


@pytest.fixture
def give_points(session, settings):
    """Credit points to a member as an `adjust`-free bonus lot, with a throwaway key."""
    def give(member: Member, points: int, at: datetime = NOW, expires: bool = True):
        return ledger.credit(session, member, points, "bonus", "welcome", {"points": points},
                             f"test:{uuid.uuid4().hex}", at, settings, expires=expires)
    return give


@pytest.fixture
def capture_sql(engine):
    """Collect the SQL statements run inside a `with capture_sql() as stmts:` block."""
    from contextlib import contextmanager

    @contextmanager
    def capture():
        statements: list[str] = []

        def listener(conn, cursor, statement, parameters, context, executemany):
            statements.append(" ".join(statement.split()))

        event.listen(engine, "before_cursor_execute", listener)
        try:
            yield statements
        finally:
            event.remove(engine, "before_cursor_execute", listener)
    return capture


def pytest_report_header(config):
    if IS_PG:
        url = make_url(normalise_url(PG_URL))
        return f"rewards tests: PostgreSQL {url.host}:{url.port}/{url.database}"
    return "rewards tests: SQLite (set TEST_DATABASE_URL=postgresql+psycopg://... for PostgreSQL)"
