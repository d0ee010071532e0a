"""Unknown paths, wrong methods and OPTIONS under /api/v1 answer from the API's own routes, as JSON.

Flask sends routing errors to app-wide handlers only, which the other rooms (console pages) need
for themselves; so the API catches its own unknown paths with a last-resort rule and works out
whether another of its rules would have taken the path with a different method (405) or not (404).
OPTIONS lists the methods the path really has (Flask's own answer would count the last-resort
rule's methods too).

The API's path parts that may hold slashes (an order id, the last-resort rule's rest) use
`anypath`: Werkzeug's `path` stops at a line break, so `/orders/store/a%0Ab/refunds` would match no
rule of the API and its error (the request guard's 400) would be the app's HTML page, not JSON.
"""
from __future__ import annotations

from flask import Blueprint, Response, current_app, request
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import PathConverter

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "TRACE"]
ENDPOINT = "unknown_route"


class AnyPathConverter(PathConverter):
    """`path`, line breaks included (the request guard refuses them, with the API's JSON error)."""

    regex = r"[^/][\s\S]*?"


def add_converter(state) -> None:
    state.app.url_map.converters.setdefault("anypath", AnyPathConverter)


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/", ENDPOINT, unknown_route, methods=METHODS, defaults={"rest": ""}, strict_slashes=False)
    bp.add_url_rule("/<anypath:rest>", ENDPOINT, unknown_route, methods=METHODS)
    register_options(bp)


def register_options(bp: Blueprint) -> None:
    bp.before_request(answer_options)


def allowed_methods() -> list[str]:
    """The methods of the API's real routes for this request's path (the last-resort rule not counted)."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = []
    for method in METHODS:
        try:
            endpoint, _args = adapter.match(request.path, method=method)
        except Exception:  # noqa: BLE001 - NotFound, MethodNotAllowed, redirects: not a route of ours
            continue
        if not endpoint.endswith(f".{ENDPOINT}"):
            allowed.append(method)
    return allowed


def answer_options() -> Response | None:
    if request.method != "OPTIONS":
        return None
    allowed = allowed_methods()
    if not allowed:
        raise NotFound(description=f"no such endpoint: {request.path}")
    if "GET" in allowed:
        allowed.append("HEAD")
    response = Response(status=204)
    response.headers["Allow"] = ", ".join([*allowed, "OPTIONS"])
    return response


def unknown_route(rest: str):
    allowed = allowed_methods()
    if allowed:
        raise MethodNotAllowed(valid_methods=allowed,
                               description=f"{request.method} is not allowed here; use {', '.join(allowed)}")
    raise NotFound(description=f"no such endpoint: {request.method} {request.path}")
