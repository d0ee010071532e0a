"""Every CLI command answers a database without tables (or no database at all) with one line."""
from __future__ import annotations

import functools

import click
from flask import current_app

from core.schema_errors import missing_schema


def _guarded(callback):
    @functools.wraps(callback)
    def run(*args, **kwargs):
        try:
            return callback(*args, **kwargs)
        except click.exceptions.Exit:
            raise
        except Exception as exc:
            rt = current_app.extensions.get("bot") if current_app else None
            line = missing_schema(exc, rt.config.DATABASE_URL) if rt is not None else None
            if line is None:
                raise
            raise click.ClickException(line) from None
    run.__guarded__ = True
    return run


def guard_commands(group: click.Group) -> None:
    """Wrap each command of `group` (and of its sub-groups) once."""
    for command in group.commands.values():
        if isinstance(command, click.Group):
            guard_commands(command)
        if command.callback is not None and not getattr(command.callback, "__guarded__", False):
            command.callback = _guarded(command.callback)
