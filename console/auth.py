"""Who is logged in to the console, and the decorators that guard every page and action.

The session cookie (signed by Flask, HttpOnly, SameSite=Lax, Secure in production) holds the staff
id and the account's `session_version`; a changed password, role or deactivation bumps the version,
which ends every older session at its next request.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from flask import abort, g, redirect, request, session, url_for

from core.runtime import runtime

from . import csrf, roles
from .models import StaffUser


@dataclass(frozen=True)
class CurrentStaff:
    id: int
    email: str
    role: str
    line_user_id: str | None

    def can(self, permission: str) -> bool:
        return roles.can(self.role, permission)


def log_in(staff: StaffUser) -> None:
    session.clear()  # a fresh session (and CSRF token) at every login: no fixation
    session.permanent = True
    session["staff_id"] = staff.id
    session["staff_version"] = staff.session_version
    csrf.token()


def log_out() -> None:
    session.clear()


def load_current_staff() -> None:
    """A before_request hook: g.staff is the logged-in staff member, or None."""
    g.staff = None
    staff_id = session.get("staff_id")
    if staff_id is None:
        return
    with runtime().db.session() as s:
        staff = s.get(StaffUser, staff_id)
        if staff is None or not staff.active or staff.session_version != session.get("staff_version"):
            session.clear()
            return
        g.staff = CurrentStaff(staff.id, staff.email, staff.role, staff.line_user_id)


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
