"""`flask --app app orders import FILE.csv`: orders from a shop's export, through rewards.importer.

Header: channel,order_id,member_code,amount,placed_at,store_id,items (items as a JSON string or
empty). Every line is tried (a bad one never stops the rest); a re-run credits nothing twice.
A progress bar is drawn on a terminal (none when stderr is not a terminal, or with --quiet).
Exit code 0 when no line had an error, 1 otherwise.
"""
from __future__ import annotations

import sys
from contextlib import contextmanager
from functools import partial

import click
from flask import Blueprint
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from core.field_errors import FieldErrors
from core.formats import number
from core.runtime import runtime
from rewards.importer import COLUMNS, ImportSummary, csv_rows, import_orders

orders_cli = Blueprint("orders_cli", __name__, cli_group="orders")


def _lines_in(path: str) -> int:
    """Lines after the header (a quoted field over several lines makes this an upper bound)."""
    with open(path, "rb") as raw:
        return max(0, sum(block.count(b"\n") for block in iter(lambda: raw.read(1 << 20), b"")) - 1)


def _on_terminal() -> bool:
    return sys.stderr.isatty()


@contextmanager
def _progress_bar(path: str, show: bool):
    """`progress(processed, summary)` for the importer: a bar on stderr, or nothing."""
    if not show:
        yield None
        return
    with Progress(TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[counts]}"),
                  TimeRemainingColumn(), console=Console(stderr=True)) as bar:
        task = bar.add_task("import", total=_lines_in(path) or None, counts="")

        def progress(processed: int, summary: ImportSummary) -> None:
            bar.update(task, completed=processed,
                       counts=f"{number(summary.created)} created, {number(summary.unchanged)} unchanged, "
                              f"{number(summary.conflicts + len(summary.errors))} refused")
        yield progress


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
            with _progress_bar(path, show=not quiet and _on_terminal()) as progress:
                summary = import_orders(partial(rt.db.run, write=True), all_rows(), rt.clock.now(), rt.settings,
                                        progress=progress, notify=notify)
        except UnicodeDecodeError:
            raise click.ClickException(f"{path}: not a UTF-8 text file (stopped part-way)") from None
    _print_summary(path, summary)
    if summary.errors:
        click.get_current_context().exit(1)
