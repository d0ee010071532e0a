"""Unguessable codes people read out or type: coupon codes and referral codes.

The alphabet leaves out the look-alikes 0/O and 1/I/L: 31 symbols.
A 12-symbol coupon code carries ~59 bits from `secrets`; an 8-symbol referral code ~40 bits.
"""
from __future__ import annotations

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
COUPON_CODE_LENGTH = 12
REFERRAL_CODE_LENGTH = 8


def random_code(length: int) -> str:
    if length < 1:
        raise ValueError("length must be positive")
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def normalise(code: str) -> str:
    """What a person typed, as stored: upper case, without spaces or dashes."""
    return "".join(ch for ch in (code or "").upper() if ch not in " -\t\u3000")
