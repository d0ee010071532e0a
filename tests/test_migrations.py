"""The Alembic migrations build exactly the schema the models describe, and are safe to re-run."""
from __future__ import annotations

from sqlalchemy import inspect

from core import migrate
from core.db import Database
from rewards.models import Base
import models_registry  # noqa: F401


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
