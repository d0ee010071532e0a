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
