"""GET /l/<token>: a link in a broadcast. Counts one click for the broadcast's link and redirects to
its address. Nothing about who clicked is stored or needed (messaging/short_links.py)."""
from __future__ import annotations

from flask import Blueprint, abort, redirect

from core.runtime import runtime
from messaging import short_links

bp = Blueprint("short_links", __name__)


@bp.get(short_links.PATH + "<token>")
def follow(token: str):
    url = runtime().db.run(lambda session: short_links.follow(session, token), write=True)
    if url is None:
        abort(404)
    response = redirect(url, code=302)
    response.headers["Cache-Control"] = "no-store"  # every click reaches us, to be counted
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
