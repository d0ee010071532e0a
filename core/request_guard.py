"""What every request passes before a route reads it: a body size cap per room, and text without
control characters in the path, the query string and form fields.

A body over its room's cap is refused with 413 from its Content-Length alone, before anything reads
it (so the webhook never reads a 100 MB body to check its signature). A body sent without a length
(Transfer-Encoding: chunked) is read here, at most one byte past the cap: over it, 413; within it,
the routes read it as if it had come with its length. (Werkzeug's own cap on such a stream stops
reading at the cap without a word, so a route would see a cut-off body and answer 400.) Query values
are single lines (a `next=` with CR/LF would break a redirect); form fields may hold line breaks but
no NUL. Errors go to the room's own error handlers (JSON in the API, pages in the console).
"""
from __future__ import annotations

import io

from flask import Flask, request
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

from core.text_checks import text_problem

KIB = 1024
# the webhook's real bodies are a few KB (LINE sends a handful of events at a time)
WEBHOOK_MAX_BYTES = 512 * KIB
API_MAX_BYTES = 256 * KIB
# staff forms: content items and broadcasts' texts are the biggest
DEFAULT_MAX_BYTES = 1024 * KIB
# an online shop's order (hundreds of lines, addresses, every amount in two currencies) can be
# tens of KB; the shops' webhooks share the LINE webhook's cap
ROOM_MAX_BYTES = {"webhook": WEBHOOK_MAX_BYTES, "shop_webhooks": WEBHOOK_MAX_BYTES, "api": API_MAX_BYTES,
                  "metrics_api": API_MAX_BYTES}
# the broadcast composer takes picture uploads (each at most 10 MB, messaging/images.py; a carousel has
# several): its own cap
UPLOAD_MAX_BYTES = 32 * 1024 * KIB
ENDPOINT_MAX_BYTES = {"console.broadcast_create": UPLOAD_MAX_BYTES, "console.broadcast_action": UPLOAD_MAX_BYTES}
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def body_limit() -> int:
    return ENDPOINT_MAX_BYTES.get(request.endpoint or "",
                                  ROOM_MAX_BYTES.get(request.blueprint or "", DEFAULT_MAX_BYTES))


def guard() -> None:
    limit = body_limit()
    request.max_content_length = limit
    if request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge(f"the body may be at most {limit:,} bytes")
    if request.content_length is None and request.environ.get("wsgi.input_terminated"):
        _read_streamed_body(limit)
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


def _read_streamed_body(limit: int) -> None:
    """Read a body sent without a length (the server ends the stream: wsgi.input_terminated), 413 if
    it is longer than `limit`; otherwise hand it on as a body of known length."""
    raw = request.environ["wsgi.input"]
    chunks, size = [], 0
    while size <= limit:
        chunk = raw.read(min(64 * KIB, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > limit:
        raise RequestEntityTooLarge(f"the body may be at most {limit:,} bytes")
    body = b"".join(chunks)
    request.environ["wsgi.input"] = io.BytesIO(body)
    request.environ["CONTENT_LENGTH"] = str(len(body))


def init(app: Flask) -> None:
    app.config["MAX_CONTENT_LENGTH"] = DEFAULT_MAX_BYTES  # guard() sets each request's own
    # first of all hooks: nothing (CSRF check, login) reads a body or a field before this ran
    app.before_request_funcs.setdefault(None, []).insert(0, guard)
