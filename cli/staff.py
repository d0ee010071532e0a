"""`flask --app app staff create EMAIL --role admin|marketer|viewer` and `flask --app app staff list`."""
from __future__ import annotations

import sys

import click
from flask import Blueprint

from core.field_errors import FieldErrors
from core.runtime import runtime
from rewards import audit

from console import staff as accounts
from console.models import ROLES

staff_cli = Blueprint("staff_cli", __name__, cli_group="staff")


@staff_cli.cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--password-stdin", is_flag=True, help="read the password from the first line of stdin")
def create(email, role, password_stdin):
    """Create a staff account (the password is asked for, or read from stdin)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    rt = runtime()
    now = rt.clock.now()
    try:
        with rt.db.session() as s:
            person = accounts.create_staff(s, email, password, role, now)
            audit.record(s, "cli:staff", "staff.create", f"staff:{person.email}", {"role": role}, now)
    except FieldErrors as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"created {person.email} ({role})")


@staff_cli.cli.command("list")
def list_staff():
    """Every staff account with its role and state."""
    rt = runtime()
    now = rt.clock.now()
    with rt.db.session() as s:
        for person in accounts.all_staff(s):
            state = "inactive" if not person.active else (
                "locked" if person.locked_until and person.locked_until > now else "active")
            click.echo(f"{person.email}\t{person.role}\t{state}")
