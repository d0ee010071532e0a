"""`flask --app app members ...`: records moved in from another programme (rewards/member_imports.py).

* `members import FILE.csv --source NAME [--dry-run] [--encoding utf-8|big5] [--quiet]`
* `members claim-codes --source NAME --out FILE.csv`: external_id,name,claim_code to print for each
  record still to claim
* `members erase-unclaimed --source NAME [--yes]`: erase that source's unclaimed records now
  (the worker erases them anyway `unclaimed_import_days` after their import)
"""
from __future__ import annotations

import csv
from functools import partial

import click
from flask import Blueprint

from cli.progress import on_terminal, progress_bar
from core.field_errors import FieldErrors
from core.formats import number
from core.runtime import runtime
from privacy import unclaimed_imports
from rewards import member_imports
from rewards.member_imports import FileError, MemberImportSummary

members_cli = Blueprint("members_cli", __name__, cli_group="members")


def _source(source: str) -> str:
    try:
        return member_imports.check_source(source)
    except FieldErrors as exc:
        raise click.ClickException(f"--source: {exc.problems['source']}") from None


def _counts(summary: MemberImportSummary) -> str:
    return (f"{number(summary.created)} new, {number(summary.unchanged)} unchanged, "
            f"{number(len(summary.errors))} refused")


def _print_summary(path: str, summary: MemberImportSummary) -> None:
    verb = "would be created" if summary.dry_run else "created"
    click.echo(f"{path}: {number(summary.processed)} records read: {number(summary.created)} {verb} "
               f"({number(summary.points_opened)} points), {number(summary.unchanged)} unchanged "
               f"(imported before), {number(len(summary.errors))} errors")
    if summary.processed and summary.created == 0 and summary.unchanged and not summary.errors:
        click.echo("nothing to do: every record was imported before")
    for line, what in summary.errors:
        click.echo(f"  line {line}: error: {what}")
    if summary.dry_run:
        click.echo("dry run: nothing was written")


@members_cli.cli.command("import")
@click.argument("path", metavar="FILE.csv", type=click.Path(dir_okay=False))
@click.option("--source", required=True, help="Name of the programme the members come from (the key with external_id).")
@click.option("--dry-run", is_flag=True, help="Check every line and say what would happen; write nothing.")
@click.option("--encoding", default=None, help="utf-8 or big5 (found out by itself when not given).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def import_command(path, source, dry_run, encoding, quiet):
    """Import the members in FILE.csv as unclaimed records (once each)."""
    rt = runtime()
    source = _source(source)
    try:
        with open(path, "rb") as raw:
            data = raw.read()
    except FileNotFoundError:
        raise click.ClickException(f"no such file: {path}") from None
    except OSError as exc:
        raise click.ClickException(f"cannot read {path}: {exc.strerror}") from None
    try:
        text, read_as = member_imports.decode(data, encoding)
        rows = member_imports.csv_rows(text)
        first = next(rows, None)  # reads the header: a wrong one is reported before any work
    except FileError as exc:
        raise click.ClickException(f"{path}: {exc}") from None
    if read_as == "cp950":
        click.echo(f"{path}: read as Big5 (cp950)", err=True)

    def all_rows():
        if first is not None:
            yield first
            yield from rows

    with progress_bar(path, not quiet and on_terminal(), _counts) as progress:
        summary = member_imports.import_members(partial(rt.db.run, write=not dry_run), source, all_rows(),
                                                rt.clock.now(), rt.settings, dry_run=dry_run, progress=progress)
    _print_summary(path, summary)
    if summary.errors:
        click.get_current_context().exit(1)


@members_cli.cli.command("claim-codes")
@click.option("--source", required=True)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True),
              help="CSV file to write: external_id,name,claim_code.")
def claim_codes_command(source, out):
    """Write the claim code of every record of SOURCE still to claim, for printing."""
    rt = runtime()
    source = _source(source)
    listed = rt.db.run(lambda session: member_imports.claim_codes(session, source))
    with open(out, "w", encoding="utf-8-sig", newline="") as fh:  # the BOM: Excel reads it as UTF-8
        writer = csv.writer(fh)
        writer.writerow(["external_id", "name", "claim_code"])
        for external_id, name, code in listed:
            writer.writerow([external_id, name or "", member_imports.shown_code(code)])
    click.echo(f"{out}: {number(len(listed))} claim codes of {source}")


@members_cli.cli.command("erase-unclaimed")
@click.option("--source", required=True)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def erase_unclaimed_command(source, yes):
    """Erase every unclaimed record of SOURCE now (nothing personal is kept)."""
    rt = runtime()
    source = _source(source)
    if not yes:
        click.confirm(f"Erase every unclaimed record of {source}? This cannot be undone", abort=True)
    total = 0
    while True:
        erased = rt.db.run(lambda session: unclaimed_imports.source_batch(session, source, rt.clock.now()),
                           write=True)
        total += erased
        if erased < unclaimed_imports.BATCH:
            break
    click.echo(f"{source}: {number(total)} unclaimed records erased")
