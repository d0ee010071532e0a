"""`Authorization: Bearer KEY`: a missing, unknown or revoked key is answered 401."""
from __future__ import annotations

from flask import g, request
from sqlalchemy.orm import Session

from .errors import ApiError
from .keys import live_key

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
    row = live_key(session, key)
    if row is None:
        raise ApiError(401, "unauthorized", "this API key is unknown or revoked", headers=CHALLENGE)
    g.api_key_name = row.name
    return row.name
