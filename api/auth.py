"""`Authorization: Bearer KEY`: a missing, unknown or revoked key is answered 401."""
from __future__ import annotations

from flask import current_app, g, request
from sqlalchemy.orm import Session

from .errors import ApiError
from .keys import KeyCache

# a revoked key is refused within this many seconds (each process looks a key up once per period)
API_KEY_CACHE_SECONDS = 30.0
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="api"'}


def presented_key() -> str | None:
    scheme, _, credentials = (request.headers.get("Authorization") or "").partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        return None
    return credentials.strip()


def require_api_key(session: Session) -> str:
    """The name of the caller's live key (also kept as g.api_key_name), or raise a 401 ApiError."""
    key = presented_key()
    if key is None:
        raise ApiError(401, "unauthorized", "send an API key as 'Authorization: Bearer KEY'", headers=CHALLENGE)
    name = key_cache().name_for(session, key)
    if name is None:
        raise ApiError(401, "unauthorized", "this API key is unknown or revoked", headers=CHALLENGE)
    g.api_key_name = name
    return name


def key_cache() -> KeyCache:
    """The app's cache of checked keys (one per app, so one per process)."""
    cache = current_app.extensions.get("api_key_cache")
    if cache is None:
        cache = current_app.extensions["api_key_cache"] = KeyCache(API_KEY_CACHE_SECONDS)
    return cache
