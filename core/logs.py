"""Logging: how an error is named in a log line without leaking what it carried, and the set-up (LOG_LEVEL,
LOG_FORMAT=json) that writes one line per event, with the inbox id of the event being processed."""
from __future__ import annotations

import contextvars
import json
import logging
import traceback
from contextlib import contextmanager
from datetime import datetime, timezone


def describe_error(exc: BaseException) -> str:
    """Error type and where it happened, without the message (which may quote personal data)."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" at {frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno}" if frames else ""
    return f"{exc.__class__.__name__}{where}"


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
