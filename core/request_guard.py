"""What every request passes before a route reads it: a body size cap per room, and text without
control characters in the path, the query string and form fields.

A body over its room's cap is refused with 413 from its Content-Length alone, before anything reads
it (so the webhook never reads a 100 MB body to check its signature); a body sent without a length
is cut off at the same cap while it is read (Flask's per-request `max_content_length`). Query values
are single lines (a `next=` with CR/LF would break a redirect); form fields may hold line breaks but
no NUL. Errors go to the room's own error handlers (JSON in the API, pages in the console).
"""
from __future__ import annotations

from flask import Flask, request
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

from core.text_checks import text_problem

KIB = 1024
# the webhook's real bodies are a few KB (LINE sends a handful of events at a time)
WEBHOOK_MAX_BYTES = 512 * KIB
API_MAX_BYTES = 256 * KIB
# staff forms: content items and broadcasts are the biggest (text, no file uploads)
DEFAULT_MAX_BYTES = 1024 * KIB
ROOM_MAX_BYTES = {"webhook": WEBHOOK_MAX_BYTES, "api": API_MAX_BYTES, "metrics_api": API_MAX_BYTES}
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def body_limit() -> int:
    return ROOM_MAX_BYTES.get(request.blueprint or "", DEFAULT_MAX_BYTES)


def guard() -> None:
    limit = body_limit()
    request.max_content_length = limit
    if request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge(f"the body may be at most {limit:,} bytes")
    problem = text_problem(request.path, single_line=True)
    if problem:
        raise BadRequest(f"the address {problem}")
    for name, value in request.args.items(multi=True):
        problem = text_problem(name, single_line=True) or text_problem(value, single_line=True)
        if problem:
            raise BadRequest(f"query parameter {name!r} {problem}"[:200])
    if request.mimetype in FORM_TYPES:
        for name, value in request.form.items(multi=True):
            problem = text_problem(name, single_line=True) or text_problem(value)
            if problem:
                raise BadRequest(f"form field {name!r} {problem}"[:200])


def init(app: Flask) -> None:
    app.config["MAX_CONTENT_LENGTH"] = DEFAULT_MAX_BYTES
    # first of all hooks: nothing (CSRF check, login) reads a body or a field before this ran
    app.before_request_funcs.setdefault(None, []).insert(0, guard)
