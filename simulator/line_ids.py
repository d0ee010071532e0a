"""Identifiers shaped like the ones LINE hands out."""
import os
import secrets
import time
import uuid

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def user_id() -> str:
    return "U" + uuid.uuid4().hex


def reply_token() -> str:
    return uuid.uuid4().hex


def message_id() -> str:
    return str(secrets.randbelow(9 * 10**17) + 10**17)


def quote_token() -> str:
    return secrets.token_urlsafe(48)


def rich_menu_id() -> str:
    return "richmenu-" + uuid.uuid4().hex


def request_id() -> str:
    return uuid.uuid4().hex


def webhook_event_id() -> str:
    """A ULID: 48 bits of milliseconds then 80 random bits, in 26 Crockford base-32 characters."""
    value = (int(time.time() * 1000) << 80) | int.from_bytes(os.urandom(10), "big")
    chars = []
    for _ in range(26):
        value, digit = divmod(value, 32)
        chars.append(_CROCKFORD[digit])
    return "".join(reversed(chars))
