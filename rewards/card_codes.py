"""The member card's rotating code: the member code and six digits that change every WINDOW_SECONDS.

The card page (LIFF) shows `{member_code}-{digits}` as its QR and Code 128; the till's look-up
(`GET /api/v1/members/{code}`) accepts such a code only while it is current (and for GRACE_SECONDS
after it changed, for a member who opened the card just before the tick), so a screenshot of an
old card fails at the till. The digits are an HMAC of the member code and the window, keyed from
SECRET_KEY: nobody can make the next code without it. The code holds nothing but the member code.
"""
from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime

from core.config import derived_key

WINDOW_SECONDS = 300
GRACE_SECONDS = 30
DIGITS = 6
SEPARATOR = "-"
_SHAPE = re.compile(r"[A-Z0-9]{1,16}" + re.escape(SEPARATOR) + r"[0-9]{%d}" % DIGITS)


@dataclass(frozen=True)
class CardCode:
    code: str
    valid_until: int  # unix time the page should fetch the next one


def key_from(secret_key: str) -> bytes:
    return derived_key(secret_key, b"member-card-code-v1")


def _digits(key: bytes, member_code: str, window: int) -> str:
    digest = hmac.new(key, f"{member_code}\n{window}".encode(), hashlib.sha256).digest()
    return str(int.from_bytes(digest[:8], "big") % 10 ** DIGITS).zfill(DIGITS)


def current(key: bytes, member_code: str, now: datetime) -> CardCode:
    window = int(now.timestamp()) // WINDOW_SECONDS
    return CardCode(f"{member_code}{SEPARATOR}{_digits(key, member_code, window)}", (window + 1) * WINDOW_SECONDS)


def is_rotating(code: str) -> bool:
    """Shaped as a card page's code: a member code (16 letters or digits at most) and 6 digits. Any
    other text is no card code at all (a look-up then finds no member), not a stale one."""
    return _SHAPE.fullmatch(code.strip().upper()) is not None


def member_code_of(key: bytes, code: str, now: datetime) -> str | None:
    """The member code in a rotating code that is current at `now`; None for a stale, forged or
    malformed one."""
    member_code, _, digits = code.strip().upper().rpartition(SEPARATOR)
    if not member_code or len(member_code) > 16 or len(digits) != DIGITS or not (digits.isascii() and digits.isdigit()):
        return None
    seconds = int(now.timestamp())
    window = seconds // WINDOW_SECONDS
    windows = [window] + ([window - 1] if seconds - window * WINDOW_SECONDS < GRACE_SECONDS else [])
    if any(hmac.compare_digest(_digits(key, member_code, w), digits) for w in windows):
        return member_code
    return None
