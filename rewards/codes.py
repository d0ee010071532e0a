"""Unguessable codes people read out or type: coupon codes and referral codes.

The alphabet leaves out the look-alikes 0/O and 1/I/L: 31 symbols.
A 12-symbol coupon code carries ~59 bits from `secrets`; an 8-symbol referral code ~40 bits.
"""
from __future__ import annotations

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
COUPON_CODE_LENGTH = 12
REFERRAL_CODE_LENGTH = 8


# a random byte below this is used (its remainder by 31 is then uniform); others are drawn again
_USABLE = 256 - 256 % len(ALPHABET)
_SYMBOL = bytes(ord(ALPHABET[b % len(ALPHABET)]) for b in range(_USABLE)).ljust(256, b"?")
_UNUSABLE = bytes(range(_USABLE, 256))


def random_codes(count: int, length: int) -> list[str]:
    """`count` codes of `length` symbols from `secrets.token_bytes` (one call for many codes rather
    than a `secrets.choice` per symbol); bytes that would bias the alphabet are drawn again."""
    if length < 1:
        raise ValueError("length must be positive")
    need = count * length
    pool = b""
    while len(pool) < need:
        pool += secrets.token_bytes(need - len(pool) + need // 16 + 8).translate(None, _UNUSABLE)
    text = pool[:need].translate(_SYMBOL).decode("ascii")
    return [text[i:i + length] for i in range(0, need, length)]


def random_code(length: int) -> str:
    return random_codes(1, length)[0]


def normalise(code: str) -> str:
    """What a person typed, as stored: upper case, without spaces or dashes."""
    return "".join(ch for ch in (code or "").upper() if ch not in " -\t\u3000")
