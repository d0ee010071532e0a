"""Small helpers every console page uses: the unit of work, the clock, the audit trail, form values."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Mapping

from flask import abort, g, request

from core.runtime import runtime
from core.text_checks import text_problem
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


# what a number typed into a form may be: it must fit the database's 32-bit integer columns
LARGEST_FORM_NUMBER = 2**31 - 1
# dates staff type in: beyond these the date arithmetic of reports overflows
FIRST_FORM_DAY, LAST_FORM_DAY = date(1900, 1, 1), date(2999, 12, 31)


def int_or_none(value: str | None) -> int | None:
    """A whole number from a form field, or None when empty, not a number or out of range."""
    value = (value or "").strip().replace(",", "")
    if not value or len(value) > 12:
        return None
    try:
        number = int(value)
    except ValueError:
        return None
    return number if -LARGEST_FORM_NUMBER <= number <= LARGEST_FORM_NUMBER else None


def date_or_none(value: str | None) -> date | None:
    try:
        day = date.fromisoformat((value or "").strip())
    except ValueError:
        return None
    return day if FIRST_FORM_DAY <= day <= LAST_FORM_DAY else None


def safe_next(target: str | None, default: str) -> str:
    """Only a path inside the console: a login link must not send staff to another site (nor a
    header break: no control characters)."""
    if (target and target.startswith("/console") and not target.startswith("//") and "\\" not in target
            and text_problem(target, single_line=True) is None):
        return target
    return default
