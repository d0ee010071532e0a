"""`flask --app app orders import FILE.csv`: orders from a shop's export, through rewards.importer.

Header: channel,order_id,member_code,amount,placed_at,store_id,items (items as a JSON string or
empty). Every line is tried (a bad one never stops the rest); a re-run credits nothing twice.
A progress bar is drawn on a terminal (none when stderr is not a terminal, or with --quiet).
Exit code 0 when no line had an error, 1 otherwise.
"""
from __future__ import annotations

from functools import partial

import click
from flask import Blueprint

from cli.progress import on_terminal, progress_bar
from core.field_errors import FieldErrors
from core.formats import number
from core.runtime import runtime
from rewards.importer import COLUMNS, ImportSummary, csv_rows, import_orders

orders_cli = Blueprint("orders_cli", __name__, cli_group="orders")


def _counts(summary: ImportSummary) -> str:
    return (f"{number(summary.created)} created, {number(summary.unchanged)} unchanged, "
            f"{number(summary.conflicts + len(summary.errors))} refused")


def _print_summary(path: str, summary: ImportSummary) -> None:
    click.echo(f"{path}: {number(summary.processed)} orders read: {number(summary.created)} created "
               f"({number(summary.points_credited)} points credited), {number(summary.unchanged)} unchanged, "
               f"{number(summary.conflicts)} conflicts, {number(len(summary.errors))} errors")
    for line, what in summary.conflict_lines:
        click.echo(f"  line {line}: conflict: {what}")
    for line, what in summary.errors:
        click.echo(f"  line {line}: error: {what}")


@orders_cli.cli.command("import")
@click.argument("path", metavar="FILE.csv", type=click.Path(dir_okay=False))
@click.option("--notify", is_flag=True, help="Push each member a receipt (by default an import messages nobody).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def import_command(path, notify, quiet):
    """Record the orders in FILE.csv (once each) and credit their points."""
    rt = runtime()
    try:
        stream = open(path, encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise click.ClickException(f"no such file: {path}") from None
    except OSError as exc:
        raise click.ClickException(f"cannot read {path}: {exc.strerror}") from None
    with stream:
        try:
            rows = csv_rows(stream)
            first = next(rows, None)  # reads the header, so a wrong one is reported before any work
        except FieldErrors as exc:
            raise click.ClickException(
                f"{path}: wrong header: {exc.problems.get('header', exc.message)} "
                f"(expected: {','.join(COLUMNS)})") from None
        except UnicodeDecodeError:
            raise click.ClickException(f"{path}: not a UTF-8 text file") from None
        unknown = sorted(k for k in (first[1] if first else {}) if k not in COLUMNS)
        if unknown:
            click.echo(f"{path}: ignoring unknown column(s): {', '.join(map(str, unknown))}", err=True)

        def all_rows():
            if first is not None:
                yield first
                yield from rows

        try:
            with progress_bar(path, not quiet and on_terminal(), _counts) as progress:
                summary = import_orders(partial(rt.db.run, write=True), all_rows(), rt.clock.now(), rt.settings,
                                        progress=progress, notify=notify)
        except UnicodeDecodeError:
            raise click.ClickException(f"{path}: not a UTF-8 text file (stopped part-way)") from None
    _print_summary(path, summary)
    if summary.errors:
        click.get_current_context().exit(1)
