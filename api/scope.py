"""How every authenticated endpoint runs: one session scope, the key checked inside it, and a
retry of the whole unit of work when SQLite reports a transient lock conflict."""
from __future__ import annotations

import functools

from flask import make_response, request

from core.runtime import runtime

from .auth import require_api_key

ATTEMPTS = 3
READ_ONLY_METHODS = ("GET", "HEAD", "OPTIONS")


def api_endpoint(view):
    """Wrap `view(session, **url_args)`; it returns (body, status) and must be safe to re-run."""

    @functools.wraps(view)
    def run(**url_args):
        def unit(session):
            require_api_key(session)
            return view(session, **url_args)

        body, status = runtime().db.run(unit, write=request.method not in READ_ONLY_METHODS, attempts=ATTEMPTS)
        return make_response(body, status)

    return run
