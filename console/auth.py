"""Who is logged in to the console, and the decorators that guard every page and action.

The session cookie (signed by Flask, HttpOnly, SameSite=Lax, Secure in production, 8 hours) holds
the staff id, the account's `session_version` and the random id of a server-side `staff_sessions`
row. A login lasts at most CONSOLE_SESSION_HOURS from the login and CONSOLE_IDLE_MINUTES without a
request; logging out ends the row, so a copy of the cookie taken before is worth nothing after. A
changed password, role or deactivation bumps the version, which ends every older session.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import wraps

from flask import abort, g, redirect, request, session, url_for
from sqlalchemy import select, update

from core.runtime import runtime

from . import csrf, roles
from .models import StaffSession, StaffUser

# how often a live session's last_seen_at is written (not at every request)
SEEN_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class CurrentStaff:
    id: int
    email: str
    role: str

    def can(self, permission: str) -> bool:
        return roles.can(self.role, permission)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def log_in(staff: StaffUser, db_session=None) -> None:
    """Start a login: a server-side session row and a fresh cookie. `db_session`: the caller's unit
    of work when it has one open (it may hold SQLite's write lock), else one of its own."""
    session.clear()  # a fresh session (and CSRF token) at every login: no fixation
    session.permanent = True
    token = secrets.token_urlsafe(32)
    now = runtime().clock.now()
    row = StaffSession(token_hash=_token_hash(token), staff_id=staff.id, created_at=now, last_seen_at=now)
    if db_session is not None:
        db_session.add(row)
        db_session.flush()
    else:
        with runtime().db.session() as s:
            s.add(row)
    session["sid"] = token
    session["staff_id"] = staff.id
    session["staff_version"] = staff.session_version
    csrf.token()


def log_out(now: datetime) -> None:
    """End this login on the server (the cookie, and any copy of it, no longer opens a page)."""
    token = session.get("sid")
    if token:
        with runtime().db.session() as s:
            s.execute(update(StaffSession).where(StaffSession.token_hash == _token_hash(str(token)),
                                                 StaffSession.ended_at.is_(None))
                      .values(ended_at=now).execution_options(synchronize_session=False))
    session.clear()


def _live(row: StaffSession | None, now: datetime) -> bool:
    config = runtime().config
    return (row is not None and row.ended_at is None
            and now < row.created_at + timedelta(hours=config.CONSOLE_SESSION_HOURS)
            and now < row.last_seen_at + timedelta(minutes=config.CONSOLE_IDLE_MINUTES))


def load_current_staff() -> None:
    """A before_request hook: g.staff is the logged-in staff member, or None."""
    g.staff = None
    staff_id, token = session.get("staff_id"), session.get("sid")
    if staff_id is None:
        return
    if not token:
        session.clear()
        return
    now = runtime().clock.now()
    with runtime().db.session() as s:
        row = s.scalar(select(StaffSession).where(StaffSession.token_hash == _token_hash(str(token))))
        staff = s.get(StaffUser, staff_id)
        if (not _live(row, now) or row.staff_id != staff_id or staff is None or not staff.active
                or staff.session_version != session.get("staff_version")):
            session.clear()
            return
        if now - row.last_seen_at >= SEEN_EVERY:
            row.last_seen_at = now
        g.staff = CurrentStaff(staff.id, staff.email, staff.role)


def login_required(view):
    @wraps(view)
    def guarded(*args, **kwargs):
        if getattr(g, "staff", None) is None:
            if request.method == "GET":
                return redirect(url_for("console.login", next=request.full_path.rstrip("?")))
            abort(401)
        return view(*args, **kwargs)
    return guarded


def requires(permission: str):
    """Login, then the role's permission: 403 for a staff member whose role does not have it."""
    roles.PERMISSIONS[permission]  # a typo fails at import, not at the first request

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if not g.staff.can(permission):
                abort(403)
            return view(*args, **kwargs)
        return login_required(guarded)
    return decorate
