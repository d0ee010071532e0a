"""Alembic driven from code, so `flask --app app db upgrade` needs no alembic.ini."""
from __future__ import annotations

from alembic import command
from alembic.config import Config as AlembicConfig

from core.config import PROJECT_ROOT
from core.db import normalise_url


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


def revision(database_url: str, message: str) -> None:
    command.revision(alembic_config(database_url), message=message, autogenerate=True)


def check(database_url: str) -> None:
    """Raises when the models and the migrations disagree."""
    command.check(alembic_config(database_url))
