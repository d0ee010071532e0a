"""Small helpers every console page uses: the database session, the clock, the audit trail, form values."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Mapping

from flask import g

from core.runtime import runtime
from rewards import audit


def db_session():
    return runtime().db.session()


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
