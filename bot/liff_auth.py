"""Who is asking on the member pages (LIFF): a LIFF ID token verified by LINE, or a short session made
from one. A user id the page sends is never read.

* An ID token (`liff.getIDToken()`) is sent to LINE Login's verify endpoint with LIFF_CHANNEL_ID as the
  client id (bot/line_client.py, on LINE_API_URL); LINE refuses a forged, expired or other-channel
  token, and its answer is checked again here: the audience is our channel, the expiry is ahead of
  the clock, the subject is a LINE user id.
* `POST /liff/api/session` turns a verified ID token into a session token
  (`ls1.<user id>.<expiry>.<HMAC>`, LIFF_SESSION_MINUTES long) and its CSRF token, so a page asks
  LINE once, not on every call. A form's POST also carries `X-CSRF-Token`, tied to the session.
"""
from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime

from core.config import derived_key

from .line_client import LineApiError, LineClient

SESSION_PREFIX = "ls1."
USER_ID = re.compile(r"^U[0-9a-f]{32}$")


class Unauthorized(Exception):
    """The page must get a new ID token (401 with a retry)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # expired, invalid, audience, missing, unavailable


@dataclass(frozen=True)
class Session:
    user_id: str
    token: str
    expires: int
    csrf: str


def _key(secret_key: str) -> bytes:
    return derived_key(secret_key, b"liff-session-v1")


def _mac(key: bytes, message: str) -> str:
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def verify_id_token(line: LineClient, channel_id: str, id_token: str, now: datetime) -> str:
    """The LINE user id the token names, once LINE and our own checks agree; Unauthorized otherwise."""
    if not id_token or len(id_token) > 4096:
        raise Unauthorized("missing")
    try:
        claims = line.verify_id_token(id_token, channel_id)
    except LineApiError as exc:
        if exc.status is None or exc.status >= 500:
            raise Unauthorized("unavailable") from None
        message = exc.message.lower()
        raise Unauthorized("expired" if "expired" in message else "audience" if "audience" in message
                           else "invalid") from None
    audience = claims.get("aud")
    if (audience if isinstance(audience, str) else None) != channel_id:
        raise Unauthorized("audience")
    exp = claims.get("exp")
    if not isinstance(exp, int) or exp <= now.timestamp():
        raise Unauthorized("expired")
    subject = claims.get("sub")
    if not isinstance(subject, str) or not USER_ID.match(subject):
        raise Unauthorized("invalid")
    return subject


def make_session(secret_key: str, user_id: str, now: datetime, minutes: int) -> Session:
    expires = int(now.timestamp()) + minutes * 60
    body = f"{user_id}.{expires}"
    key = _key(secret_key)
    token = f"{SESSION_PREFIX}{body}.{_mac(key, 'session:' + body)}"
    return Session(user_id, token, expires, _mac(key, "csrf:" + token))


def read_session(secret_key: str, token: str, now: datetime) -> Session:
    """The session a token holds, if untampered and not expired; Unauthorized otherwise."""
    parts = token[len(SESSION_PREFIX):].split(".")
    if len(parts) != 3 or not USER_ID.match(parts[0]) or not (parts[1].isascii() and parts[1].isdigit()):
        raise Unauthorized("invalid")
    key = _key(secret_key)
    body = f"{parts[0]}.{parts[1]}"
    if not hmac.compare_digest(_mac(key, "session:" + body), parts[2]):
        raise Unauthorized("invalid")
    if int(parts[1]) <= now.timestamp():
        raise Unauthorized("expired")
    return Session(parts[0], token, int(parts[1]), _mac(key, "csrf:" + token))


def bearer(header: str | None) -> str:
    scheme, _, token = (header or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("missing")
    return token.strip()


def is_session(token: str) -> bool:
    return token.startswith(SESSION_PREFIX)


def csrf_ok(session: Session, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(session.csrf, given)
