"""How every authenticated endpoint runs: one session scope, the key checked inside it, and a
retry of the whole unit of work when SQLite reports a transient lock conflict."""
from __future__ import annotations

import functools

from flask import make_response

from bot.runtime import runtime

from .auth import require_api_key

ATTEMPTS = 3


def api_endpoint(view):
    """Wrap `view(session, **url_args)`; it returns (body, status) and must be safe to re-run."""

    @functools.wraps(view)
    def run(**url_args):
        db = runtime().db
        for attempt in range(1, ATTEMPTS + 1):
            try:
                with db.session() as session:
                    require_api_key(session)
                    body, status = view(session, **url_args)
                return make_response(body, status)
            except Exception as exc:
                if attempt < ATTEMPTS and db.is_transient(exc):
                    continue
                raise
        raise AssertionError("unreachable")

    return run
