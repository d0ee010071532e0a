"""Minting, checking, listing and revoking API keys. Keys are 256-bit random; only their sha256 is stored."""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.field_errors import FieldErrors
from rewards.tx import savepoint

from .models import ApiKey

KEY_PREFIX = "mbk_"  # recognisable in logs and secret scanners
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_key(session: Session, name: str, now: datetime) -> tuple[ApiKey, str]:
    """A new live key named `name`: returns the row and the key, which is never retrievable again."""
    if not NAME_PATTERN.match(name or ""):
        raise FieldErrors.one("name", "a key name is 1-80 letters, digits, '.', '_' or '-', starting with a letter or digit")
    if session.scalar(select(ApiKey.id).where(ApiKey.name == name)) is not None:
        raise FieldErrors.one("name", f"a key named {name!r} already exists (names are never reused, even after revoking)",
                               code="taken")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    row = ApiKey(name=name, key_hash=hash_key(key), prefix=key[:10], created_at=now, revoked_at=None)
    try:
        with savepoint(session):
            session.add(row)
            session.flush()
    except IntegrityError:
        raise FieldErrors.one("name", f"a key named {name!r} already exists", code="taken") from None
    return row, key


def live_key_name(session: Session, key: str) -> str | None:
    """The name of the live key presented, or None (unknown or revoked): one indexed SELECT, asked at
    every request so that a revocation holds at once in every process."""
    if not key or len(key) > 200:
        return None
    return session.scalar(LIVE_KEY_NAME, {"key_hash": hash_key(key)})


# built once (asked at every request): a statement built at each call costs more in Python than its SQL
LIVE_KEY_NAME = select(ApiKey.name).where(ApiKey.key_hash == bindparam("key_hash"), ApiKey.revoked_at.is_(None))


def live_key(session: Session, key: str) -> ApiKey | None:
    """The live key row for a presented key, or None (unknown or revoked)."""
    if not key or len(key) > 200:
        return None
    row = session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_key(key)))
    return row if row is not None and row.is_live else None


def list_keys(session: Session) -> list[ApiKey]:
    return list(session.scalars(select(ApiKey).order_by(ApiKey.created_at, ApiKey.id)))


def revoke_key(session: Session, name: str, now: datetime) -> ApiKey | None:
    """Revoke the live key named `name`; None when there is no such live key."""
    row = session.scalar(select(ApiKey).where(ApiKey.name == name))
    if row is None or not row.is_live:
        return None
    row.revoked_at = now
    session.flush()
    return row
