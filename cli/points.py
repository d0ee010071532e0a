"""`flask --app app points adjust MEMBER_CODE DELTA --reason TEXT [--actor NAME]`: a staff adjustment,
audited, through rewards.adjustments. Thin: parse, call the domain, print."""
from __future__ import annotations

import getpass

import click
from flask import Blueprint

from core.field_errors import FieldErrors
from core.formats import number, signed
from core.runtime import runtime
from rewards import ledger, membership
from rewards.adjustments import adjust_points
from rewards.errors import InsufficientPoints

points_cli = Blueprint("points_cli", __name__, cli_group="points")


def _default_actor() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in some containers
        return "operator"


# ignore_unknown_options lets a negative DELTA such as -50 through as an argument
@points_cli.cli.command("adjust", context_settings={"ignore_unknown_options": True})
@click.argument("member_code")
@click.argument("delta", type=int)
@click.option("--reason", required=True, help="Shown to the member, e.g. 'goodwill: late delivery'.")
@click.option("--actor", default=None, help="Who is doing this (default: your login name).")
def adjust(member_code, delta, reason, actor):
    """Add (DELTA > 0) or take (DELTA < 0) points by hand; never below zero."""
    rt = runtime()
    actor = "cli:" + (actor or _default_actor())
    try:
        with rt.db.session() as session:
            member = membership.by_code(session, member_code)
            if member is None or not member.is_member:
                raise click.ClickException(f"no member with code {member_code!r}")
            adjust_points(session, member, delta, reason, actor, rt.clock.now(), rt.settings)
            balance = ledger.balance_of(session, member.id)
            code = member.member_code
    except InsufficientPoints as exc:
        raise click.ClickException(
            f"cannot take {number(exc.needed)} points from {member_code}: the balance is only {number(exc.balance)} "
            "and may not go below zero") from None
    except FieldErrors as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"{code}: {signed(delta)} points ({reason.strip()}) by {actor}; balance now {number(balance)}")
