"""Small helpers every console page uses: the unit of work, the clock, the audit trail, form values."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Mapping

from flask import abort, g, request

from core.runtime import runtime
from rewards import audit


def db_session():
    """The page's unit of work (core.db): `with db_session() as s:` commits at the end, rolls back on an
    error. A POST reads, then writes, so it takes SQLite's write lock up front (as the API's do)."""
    return runtime().db.session(write=request.method == "POST")


def get_or_404(session, model, key):
    """The row of `model` with this primary key; a page about a row that is not there answers 404.
    No key (a "new" form posted to the same view) is None."""
    if key is None:
        return None
    row = session.get(model, key)
    if row is None:
        abort(404)
    return row


def now() -> datetime:
    return runtime().clock.now()


def settings():
    return runtime().settings


def record(session, action: str, target: str, details: Mapping[str, Any] | None = None) -> None:
    """An audit row by the logged-in staff member, in the same transaction as the change."""
    audit.record(session, g.staff.email, action, target, details, now())


def int_or_none(value: str | None) -> int | None:
    value = (value or "").strip().replace(",", "")
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        return None


def date_or_none(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def safe_next(target: str | None, default: str) -> str:
    """Only a path inside the console: a login link must not send staff to another site."""
    if target and target.startswith("/console") and not target.startswith("//") and "\\" not in target:
        return target
    return default
