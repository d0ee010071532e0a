"""The file content library in the app: `flask --app app content sync`, and a sync at start-up.

The library is `content/library/*.md` (CONTENT_LIBRARY_DIR to use another folder). The web (each
gunicorn worker, gunicorn.conf.py) and the worker (`flask --app app worker`) sync it as they start, if
anything changed (reading the files and one query when nothing did); no other command does: a command run
with another shell's settings (another BOT_PUBLIC_URL) must not rewrite the live items. In tests
(BOT_ENV=test) only when CONTENT_LIBRARY_DIR names a folder, so tests start from empty tables.
"""
from __future__ import annotations

import dataclasses
import hashlib
import logging
from pathlib import Path

import click
from flask import Blueprint
from sqlalchemy.exc import SQLAlchemyError

from content import library_files, library_sync

from core.config import PROJECT_ROOT
from core.logs import describe_error
from core.schema_errors import missing_schema
from core.runtime import Runtime, runtime

log = logging.getLogger(__name__)
DEFAULT_DIR = PROJECT_ROOT / "content" / "library"


def library_dir(config) -> Path | None:
    if config.CONTENT_LIBRARY_DIR:
        return Path(config.CONTENT_LIBRARY_DIR)
    return None if config.BOT_ENV == "test" else DEFAULT_DIR


def sync(rt: Runtime, directory: Path) -> tuple[library_sync.SyncSummary, list[library_files.FileProblem]]:
    library = library_files.read_library(directory)
    items = [with_image_url(item, rt.config.BOT_PUBLIC_URL) for item in library.items]
    with rt.db.session() as session:
        summary = library_sync.sync(session, items, rt.clock.now())
    return summary, library.problems


IMAGES_PATH = "/library/images/"


def with_image_url(item: library_files.LibraryItem, public_url: str) -> library_files.LibraryItem:
    """A picture kept with the library is served by the bot: its address is under BOT_PUBLIC_URL (and a new
    address, e.g. another BOT_PUBLIC_URL, syncs the item again)."""
    if not item.image_file:
        return item
    url = public_url.rstrip("/") + IMAGES_PATH + item.image_file
    return dataclasses.replace(item, image_url=url, digest=hashlib.sha256(f"{item.digest} {url}".encode()).hexdigest())


def sync_at_start(rt: Runtime) -> None:
    """The web's and the worker's start-up sync. Best effort: a database without the table yet (before
    `db upgrade`) or a bad file is logged."""
    directory = library_dir(rt.config)
    if directory is None or not directory.is_dir():
        return
    try:
        summary, problems = sync(rt, directory)
    except SQLAlchemyError as exc:
        if missing_schema(exc, rt.config.DATABASE_URL):  # before `db upgrade`: that command syncs nothing
            log.debug("content library not synced at start: the database has no tables yet")
        else:
            log.warning("content library not synced at start: %s", describe_error(exc))
        return
    for problem in problems:
        log.warning("content library: %s", problem)
    if summary.changed:
        log.info("content library synced: %s", summary)


content_cli = Blueprint("content_cli", __name__, cli_group="content")


@content_cli.cli.command("sync")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path),
              help="the library folder (default: CONTENT_LIBRARY_DIR or content/library)")
def sync_command(directory):
    """Load content/library/*.md into the content items: add, update, retire what is gone."""
    rt = runtime()
    directory = directory or library_dir(rt.config) or DEFAULT_DIR
    if not directory.is_dir():
        raise click.ClickException(f"no library folder at {directory}")
    summary, problems = sync(rt, directory)
    click.echo(f"content library {directory}: {summary}")
    for problem in problems:
        click.echo(f"skipped {problem}", err=True)
    if problems or summary.conflicts:
        raise SystemExit(1)
