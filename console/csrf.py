"""CSRF protection for the console: one random token per session, required on every unsafe request.

The token goes in every form (`csrf_token` field, see the `csrf_field()` template helper) or, for
scripts, the `X-CSRF-Token` header; it is compared in constant time.
"""
from __future__ import annotations

import hmac
import secrets

from flask import abort, request, session
from markupsafe import Markup, escape

SESSION_KEY = "csrf_token"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def token() -> str:
    value = session.get(SESSION_KEY)
    if not value:
        value = secrets.token_urlsafe(32)
        session[SESSION_KEY] = value
    return value


def field() -> Markup:
    return Markup(f'<input type="hidden" name="csrf_token" value="{escape(token())}">')


def protect() -> None:
    """A before_request hook: refuse (400) an unsafe request whose token is missing or wrong."""
    if request.method in SAFE_METHODS:
        return
    expected = session.get(SESSION_KEY)
    given = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token") or ""
    if not expected or not hmac.compare_digest(str(expected), str(given)):
        abort(400, description="The form has expired or did not come from this site (CSRF check failed). "
                               "Reload the page and try again.")
