"""`Authorization: Bearer KEY`: a missing, unknown or revoked key is answered 401.

Every request looks its key up in the database (one SELECT on the unique index of the key's hash,
live keys only). No process keeps a copy, so a key revoked anywhere (the console, `flask apikey
revoke`, another web process) is refused at once by every process: a request that has already
passed the check finishes, the next one is refused.
"""
from __future__ import annotations

from flask import g, request
from sqlalchemy.orm import Session

from .errors import ApiError
from .keys import live_key_name

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
    name = live_key_name(session, key)
    if name is None:
        raise ApiError(401, "unauthorized", "this API key is unknown or revoked", headers=CHALLENGE)
    g.api_key_name = name
    return name
