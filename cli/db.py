"""Operator commands: `flask --app app db upgrade`, ..."""
from __future__ import annotations

import click
from alembic.util import CommandError
from flask import Blueprint

from core import migrate
from core.runtime import runtime

db_cli = Blueprint("db_cli", __name__, cli_group="db")


@db_cli.cli.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision):
    """Bring the database at DATABASE_URL to the current schema (safe to run again)."""
    migrate.upgrade(runtime().config.DATABASE_URL, revision)
    click.echo("database is at the current schema")


# `db downgrade -1` as written: a negative step is the revision, not an unknown option
@db_cli.cli.command("downgrade", context_settings={"ignore_unknown_options": True})
@click.argument("revision")
def db_downgrade(revision):
    """Step the schema back to REVISION (e.g. -1, one migration back, or base)."""
    try:
        migrate.downgrade(runtime().config.DATABASE_URL, revision)
    except CommandError as exc:
        raise click.ClickException(f"cannot step back to {revision!r}: {exc}") from None
    click.echo(f"database stepped back to {migrate.current(runtime().config.DATABASE_URL) or 'base'}")


@db_cli.cli.command("revision")
@click.option("-m", "--message", required=True)
def db_revision(message):
    """Write a new migration from the difference between the models and the database."""
    migrate.revision(runtime().config.DATABASE_URL, message)
