"""The member pages inside LINE (LIFF) under /liff/: card, wallet, history, profile, stores.

Each is a small shell (bot/templates/liff/page.html) that paints at once, loads LINE's LIFF SDK
(LIFF_SDK_URL: LINE's CDN in production, the simulator's stand-in in development and tests), then
fills itself from /liff/api/ (bot/liff_api.py) with the ID token LINE gave it. Its words for both
languages come from bot/texts.py ("liff.*"); the member's own language is picked once the API says it.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, render_template

from core.runtime import runtime

from .texts import words

bp = Blueprint("liff_pages", __name__, url_prefix="/liff", template_folder="templates",
               static_folder="static/liff", static_url_path="/static")

PAGES = {"card": "", "wallet": "wallet", "history": "history", "profile": "profile", "stores": "stores"}
_WORDS: dict | None = None


def _words() -> dict:
    global _WORDS
    if _WORDS is None:
        _WORDS = words("liff.")
    return _WORDS


def _page(name: str):
    config = runtime().config
    if not config.LIFF_CHANNEL_ID:
        abort(404)
    response = render_template("liff/page.html", page=name, pages=PAGES, liff_id=config.LIFF_ID,
                               sdk_url=config.LIFF_SDK_URL, words=_words())
    return response, 200, {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff",
                           "Referrer-Policy": "no-referrer", "Content-Security-Policy": _policy(config.LIFF_SDK_URL)}


def _policy(sdk_url: str) -> str:
    """Scripts from this site and LIFF's SDK only, so an injected one cannot run; the SDK's own calls
    to LINE (wherever LINE serves them, over https) stay free, as do images over https. Framing is
    left to LINE's clients (the simulator's chat shows the pages in a frame, as a phone would)."""
    parts = urlsplit(sdk_url)
    sdk_origin = f"{parts.scheme}://{parts.netloc}"
    return (f"script-src 'self' {sdk_origin}; connect-src 'self' https: {sdk_origin}; "
            "img-src 'self' https: data:; object-src 'none'; base-uri 'self'; form-action 'self'")


@bp.get("/")
def card():
    return _page("card")


@bp.get("/<any(wallet, history, profile, stores):name>")
def page(name: str):
    return _page(name)
