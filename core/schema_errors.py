"""Recognising "the database is not there yet" (no database, no tables, not reachable) in a database error,
so commands and start-up answer with one clear line instead of a traceback."""
from __future__ import annotations

import re

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

UPGRADE_HINT = "run `flask --app app db upgrade` first (bin/flask db upgrade for the bin/dev demo)"
# PostgreSQL: the server answers, but has no database of that name (psycopg gives no SQLSTATE for a
# connection that failed, only the server's words)
_INVALID_CATALOG_NAME = "3D000"
_NO_SUCH_DATABASE = re.compile(r'database "[^"]*" does not exist')
_NO_TABLE = ("no such table", "does not exist", "undefinedtable")
_NO_DATABASE = ("unable to open database file", "connection refused", "could not connect", "connection failed",
                "could not translate host name", "name or service not known")


def safe_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(an unreadable DATABASE_URL)"


def missing_schema(exc: BaseException, database_url: str) -> str | None:
    """One line saying what is missing, when `exc` means the database or its tables are absent; else None."""
    if not isinstance(exc, DBAPIError):
        return None
    said = f"{exc.orig.__class__.__name__} {exc.orig}".lower()
    if getattr(exc.orig, "sqlstate", None) == _INVALID_CATALOG_NAME or _NO_SUCH_DATABASE.search(said):
        return (f"the database at {safe_url(database_url)} does not exist: create it first (`createdb NAME`, or "
                "CREATE DATABASE in psql), then `flask --app app db upgrade` makes its tables")
    if any(words in said for words in _NO_TABLE) and "column" not in said:
        return f"the database at {safe_url(database_url)} has no tables yet: {UPGRADE_HINT}"
    if any(words in said for words in _NO_DATABASE):
        return (f"cannot open the database at {safe_url(database_url)} (is DATABASE_URL right, is it running?); "
                f"for a new database {UPGRADE_HINT}")
    return None
