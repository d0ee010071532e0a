"""Minting, checking, listing and revoking API keys. Keys are 256-bit random; only their sha256 is stored."""
from __future__ import annotations

import hashlib
import re
import secrets
import time
from datetime import datetime
from typing import Callable

from sqlalchemy import select
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


def live_key(session: Session, key: str) -> ApiKey | None:
    """The live key row for a presented key, or None (unknown or revoked)."""
    if not key or len(key) > 200:
        return None
    row = session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_key(key)))
    return row if row is not None and row.is_live else None


class KeyCache:
    """Presented key -> its name, looked up in the database once per key and then remembered for
    `ttl` seconds (a revoked key is refused within that time; an unknown one is asked again)."""

    def __init__(self, ttl: float = 30.0, clock: Callable[[], float] = time.monotonic):
        self.ttl, self.clock = ttl, clock
        self._names: dict[str, tuple[str, float]] = {}

    def name_for(self, session: Session, key: str) -> str | None:
        digest = hash_key(key) if key and len(key) <= 200 else ""
        now = self.clock()
        hit = self._names.get(digest)
        if hit is not None and now - hit[1] < self.ttl:
            return hit[0]
        row = live_key(session, key)
        if row is None:
            self._names.pop(digest, None)
            return None
        if len(self._names) > 10_000:  # keys are few; a flood of wrong ones never gets here
            self._names.clear()
        self._names[digest] = (row.name, now)
        return row.name

    def forget(self, key_hash: str) -> None:
        """A key revoked in this process is refused at once (other processes within `ttl`)."""
        self._names.pop(key_hash, None)


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
