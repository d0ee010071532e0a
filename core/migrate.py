"""Alembic driven from code, so `flask --app app db upgrade` needs no alembic.ini."""
from __future__ import annotations

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext

from core.config import PROJECT_ROOT
from core.db import Database, normalise_url


def alembic_config(database_url: str) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("prepend_sys_path", str(PROJECT_ROOT))
    cfg.attributes["url"] = normalise_url(database_url)
    return cfg


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)


def current(database_url: str) -> str | None:
    """The revision the database is at (None: no migration applied)."""
    database = Database(database_url)
    try:
        with database.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        database.dispose()


def revision(database_url: str, message: str) -> None:
    command.revision(alembic_config(database_url), message=message, autogenerate=True)


def check(database_url: str) -> None:
    """Raises when the models and the migrations disagree."""
    command.check(alembic_config(database_url))
