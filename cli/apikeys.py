"""`flask --app app apikey create|list|revoke`: the keys shop systems call the API with."""
from __future__ import annotations

import click
from flask import Blueprint

from core.field_errors import FieldErrors
from core.formats import local
from core.runtime import runtime

from api.keys import create_key, list_keys, revoke_key

apikey_cli = Blueprint("apikey_cli", __name__, cli_group="apikey")


@apikey_cli.cli.command("create")
@click.argument("name")
def create(name):
    """Mint a key for NAME (e.g. a shop system); it is printed once, alone on the last line."""
    rt = runtime()
    try:
        with rt.db.session() as session:
            row, key = create_key(session, name, rt.clock.now())
    except FieldErrors as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"API key {row.name!r} created. It is shown only this once; send it as 'Authorization: Bearer KEY':")
    click.echo(key)


@apikey_cli.cli.command("list")
def list_command():
    """Every key: name, first characters, created, revoked."""
    rt = runtime()
    with rt.db.session() as session:
        rows = list_keys(session)
    if not rows:
        click.echo("no API keys yet (flask --app app apikey create NAME)")
        return
    tz = rt.clock.tz
    for row in rows:
        state = "live" if row.is_live else "revoked " + local(row.revoked_at, tz)
        click.echo(f"{row.name:<24} {row.prefix}…  created {local(row.created_at, tz)}  {state}")


@apikey_cli.cli.command("revoke")
@click.argument("name")
def revoke(name):
    """Revoke the live key named NAME: calls with it are refused from now on."""
    rt = runtime()
    with rt.db.session() as session:
        row = revoke_key(session, name, rt.clock.now())
    if row is None:
        raise click.ClickException(f"no live API key named {name!r} (see: flask --app app apikey list)")
    click.echo(f"API key {name!r} revoked")
