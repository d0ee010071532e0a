"""GET /media/<name>: the pictures of the local media store (core/media_store.py), which LINE fetches
when a member opens a message. Names are content hashes, so a picture never changes: cached for a year."""
from __future__ import annotations

from flask import Blueprint, abort, send_file

from core.runtime import runtime

bp = Blueprint("media", __name__)


@bp.get("/media/<name>")
def media(name: str):
    store = runtime().media
    path = store.path_of(name) if store is not None else None
    if path is None:
        abort(404)
    response = send_file(path, mimetype="image/jpeg" if name.endswith(".jpg") else "image/png", max_age=31536000)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
