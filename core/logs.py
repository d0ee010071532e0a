"""Logging: how an error is named in a log line without leaking what it carried, and the set-up (LOG_LEVEL,
LOG_FORMAT=json) that writes one line per event, with the inbox id of the event being processed."""
from __future__ import annotations

import contextvars
import json
import logging
import re
import sqlite3
import traceback
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import psycopg
from sqlalchemy.exc import StatementError

# the drivers' own errors: their messages name what failed, never a bound parameter
DBAPI_ERRORS = (sqlite3.Error, psycopg.Error)

_PROJECT = Path(__file__).resolve().parent.parent
_UNIT_OF_WORK = str(_PROJECT / "core" / "db.py")
# PostgreSQL's data exceptions (SQLSTATE class 22) quote the offending value in the message itself
_VALUE_QUOTING_CLASS = "22"
_STATEMENT = re.compile(r"^\s*(?:(INSERT)\s+INTO|(UPDATE)|(DELETE)\s+FROM|(SELECT)\b.*?\bFROM)\s+([\w.\"]+)",
                        re.IGNORECASE | re.DOTALL)


def describe_error(exc: BaseException) -> str:
    """What failed, without what it carried: the error's type; for a database error also the driver's
    message and the statement's kind and table (never its parameters, which the engine hides, nor
    PostgreSQL's DETAIL, which quotes row values); and the project's line it came from.

    Other errors keep only their type: their message may quote personal data.
    """
    text = exc.__class__.__name__
    if isinstance(exc, StatementError):
        message = _database_message(exc.orig)
        if message:
            text += f": {message}"
        statement = _statement_kind(exc.statement)
        if statement:
            text += f" ({statement})"
    return text + _where(exc)


def _database_message(orig: BaseException | None) -> str:
    if orig is None:
        return ""
    if not isinstance(orig, DBAPI_ERRORS):  # e.g. a bound value its type refused: that message quotes it
        return orig.__class__.__name__
    sqlstate = getattr(orig, "sqlstate", None)
    diag = getattr(orig, "diag", None)
    if sqlstate and sqlstate.startswith(_VALUE_QUOTING_CLASS):
        return f"{orig.__class__.__name__} (SQLSTATE {sqlstate})"
    primary = getattr(diag, "message_primary", None) if diag is not None else None
    message = primary or str(orig)
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    # psycopg puts DETAIL (row values) and HINT on lines of their own after the first
    return lines[0] if lines else orig.__class__.__name__


def _statement_kind(statement: str | None) -> str:
    """`UPDATE worker_heartbeats`, `INSERT INTO orders`, `SELECT FROM members`: what a statement did to which table."""
    match = _STATEMENT.match(statement or "")
    if not match:
        first = (statement or "").split(None, 1)
        return first[0].upper() if first else ""
    kind = next(g for g in match.groups()[:4] if g).upper()
    table = match.group(5).strip('"')
    return {"INSERT": f"INSERT INTO {table}", "UPDATE": f"UPDATE {table}"}.get(kind, f"{kind} FROM {table}")


def _where(exc: BaseException) -> str:
    """The innermost line of the project's own code the error passed through (not a library's, nor the
    unit of work's own commit in core/db.py)."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if f.filename.startswith(str(_PROJECT)) and "site-packages" not in f.filename
            and f.filename != _UNIT_OF_WORK]
    frame = (ours or frames or [None])[-1]
    return f" at {frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}" if frame else ""


# ---------------------------------------------------------------- configuration: one line per event
_inbox_id: contextvars.ContextVar[int | None] = contextvars.ContextVar("inbox_id", default=None)
# libraries that talk a lot at INFO: their lines show only from LOG_LEVEL=DEBUG
_CHATTY = ("apscheduler", "werkzeug")


@contextmanager
def inbox_event(inbox_id: int):
    """Every log line written inside carries `inbox_id`, so one conversation's lines can be followed."""
    token = _inbox_id.set(inbox_id)
    try:
        yield
    finally:
        _inbox_id.reset(token)


class _InboxIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "inbox_id"):
            record.inbox_id = _inbox_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message (and inbox_id, error type when there are)."""

    def format(self, record: logging.LogRecord) -> str:
        line = {"time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
                "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        if getattr(record, "inbox_id", None) is not None:
            line["inbox_id"] = record.inbox_id
        if record.exc_info and record.exc_info[1] is not None:
            line["error"] = describe_error(record.exc_info[1])  # never the message or the traceback's values
        return json.dumps(line, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        inbox_id = getattr(record, "inbox_id", None)
        return line if inbox_id is None else f"{line} [inbox {inbox_id}]"


def configure_logging(level: str = "INFO", fmt: str = "text") -> None:
    """The root logger writes one line per event to stderr at `level`, as text or JSON."""
    root = logging.getLogger()
    numeric = logging.getLevelName(level.upper()) if isinstance(level, str) else level
    if not isinstance(numeric, int):
        numeric = logging.INFO
    handler = next((h for h in root.handlers if getattr(h, "_bot_handler", False)), None)
    if handler is None:
        handler = logging.StreamHandler()
        handler._bot_handler = True
        handler.addFilter(_InboxIdFilter())
        root.addHandler(handler)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root.setLevel(numeric)
    for name in _CHATTY:
        logging.getLogger(name).setLevel(logging.DEBUG if numeric <= logging.DEBUG else max(numeric, logging.WARNING))
