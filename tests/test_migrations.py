"""The Alembic migrations build exactly the schema the models describe, and are safe to re-run."""
from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url

from core import migrate
from core.config import PROJECT_ROOT
from core.db import Database, normalise_url
from core.orm import Base
import models_registry  # noqa: F401

from .conftest import ON_POSTGRES, PG_URL

README = PROJECT_ROOT / "README.md"


def _check(url):
    migrate.upgrade(url)
    migrate.upgrade(url)  # a second run changes nothing and does not fail
    migrate.check(url)  # raises if the models have changes no migration holds
    database = Database(url)
    tables = set(inspect(database.engine).get_table_names())
    database.dispose()
    assert set(Base.metadata.tables) <= tables


def test_migrations_match_models_on_sqlite(tmp_path):
    _check(f"sqlite:///{tmp_path / 'm.db'}")


def test_downgrade_to_base_and_back(tmp_path):
    url = f"sqlite:///{tmp_path / 'd.db'}"
    migrate.upgrade(url)
    migrate.downgrade(url, "base")
    database = Database(url)
    assert set(inspect(database.engine).get_table_names()) <= {"alembic_version"}
    database.dispose()
    migrate.upgrade(url)


def test_identity_hashes_are_rekeyed_with_the_secret(tmp_path, monkeypatch):
    import hashlib

    from sqlalchemy import text

    from core.config import identity_key
    from rewards.membership import keyed_identity

    url = f"sqlite:///{tmp_path / 'k.db'}"
    migrate.upgrade(url, "i9_worker_heartbeats")
    plain = hashlib.sha256(b"U" + b"1" * 32).hexdigest()
    database = Database(url)
    with database.engine.begin() as conn:
        conn.execute(text("insert into members (member_code, identity_hash, language, status, created_at, tags, "
                          "balance, tier, is_blocked, marketing_opt_in) values ('M1', :h, 'zh-TW', 'erased', "
                          "'2026-01-01 00:00:00', '[]', 0, 'member', 0, 0)"), {"h": plain})
    monkeypatch.setenv("BOT_ENV", "development")
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    migrate.upgrade(url)
    with database.engine.connect() as conn:
        stored = conn.execute(text("select identity_hash from members")).scalar()
    database.dispose()
    assert stored == keyed_identity(plain, identity_key("s" * 40)) and stored != plain


@pytest.fixture
def scratch_database_url(tmp_path):
    """A database of its own (its schema is stepped back and forth): an SQLite file, or on PostgreSQL a
    database beside the tests' one, dropped afterwards."""
    if not ON_POSTGRES:
        yield f"sqlite:///{tmp_path / 'readme.db'}"
        return
    server = make_url(normalise_url(PG_URL))
    name = f"{server.database}_readme_downgrade"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def test_the_readmes_downgrade_command_runs_as_written(scratch_database_url, tmp_path):
    written = re.findall(r"`(flask --app app db downgrade [^`]+)`", README.read_text(encoding="utf-8"))
    assert written, "the README shows how to step a migration back"
    migrate.upgrade(scratch_database_url)
    head = ScriptDirectory.from_config(migrate.alembic_config(scratch_database_url)).get_current_head()
    env = {**os.environ, "BOT_ENV": "development", "DATABASE_URL": scratch_database_url,
           "INSTANCE_PATH": str(tmp_path / "instance"), "LOG_LEVEL": "WARNING"}
    for command in dict.fromkeys(written):
        assert migrate.current(scratch_database_url) == head
        done = subprocess.run([sys.executable, "-m", *shlex.split(command)], cwd=PROJECT_ROOT, env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, (command, done.stdout, done.stderr)
        one_back = ScriptDirectory.from_config(migrate.alembic_config(scratch_database_url)).get_revision(head)
        assert migrate.current(scratch_database_url) == one_back.down_revision
        assert done.stdout.strip() == f"database stepped back to {one_back.down_revision}"
        migrate.upgrade(scratch_database_url)
