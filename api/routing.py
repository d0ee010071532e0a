"""Unknown paths and wrong methods under /api/v1 answer JSON errors too.

Flask sends routing errors to app-wide handlers only, which the other rooms (console pages) need
for themselves; so the API catches its own unknown paths with a last-resort rule and works out
whether another of its rules would have taken the path with a different method (405) or not (404).
"""
from __future__ import annotations

from flask import Blueprint, current_app, request
from werkzeug.exceptions import MethodNotAllowed, NotFound

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
ENDPOINT = "unknown_route"


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/", ENDPOINT, unknown_route, methods=METHODS, defaults={"rest": ""})
    bp.add_url_rule("/<path:rest>", ENDPOINT, unknown_route, methods=METHODS)


def unknown_route(rest: str):
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = []
    for method in METHODS:
        try:
            endpoint, _args = adapter.match(request.path, method=method)
        except Exception:  # noqa: BLE001 - NotFound, MethodNotAllowed, redirects: not a route of ours
            continue
        if endpoint != f"{request.blueprint}.{ENDPOINT}":
            allowed.append(method)
    if allowed:
        raise MethodNotAllowed(valid_methods=allowed,
                               description=f"{request.method} is not allowed here; use {', '.join(allowed)}")
    raise NotFound(description=f"no such endpoint: {request.method} {request.path}")
