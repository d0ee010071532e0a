"""Email addresses: one way to read what a person or a shop wrote, and one way to store it.

Stored stripped and lower-cased (`Jon@Example.COM ` is `jon@example.com`), so an online order's
address and the one a member verified compare equal. The check is what a form needs, not RFC 5322's
every corner: one `@`, a local part of at most 64 characters, a domain with a dot, no spaces or
control characters, 254 characters in all.
"""
from __future__ import annotations

import re
import unicodedata

MAX_LENGTH = 254
_ADDRESS = re.compile(r"^[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+$")


class EmailError(ValueError):
    """Why a text is not a usable email address; `code` (empty, invalid) is stable, for the caller's words."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def normalise(text: str | None) -> str:
    """The address as stored, or EmailError."""
    # NFKC: the full-width forms a Chinese keyboard types (ＪＯＮ＠example．com) read as ASCII
    value = unicodedata.normalize("NFKC", text or "").strip().lower()
    if not value:
        raise EmailError("empty", "an email address is required")
    if len(value) > MAX_LENGTH or not value.isprintable() or not _ADDRESS.match(value):
        raise EmailError("invalid", "not an email address (name@example.com)")
    return value


def normalised_or_none(text: str | None) -> str | None:
    """The address as stored, or None when `text` is not one (an order's optional field)."""
    try:
        return normalise(text)
    except EmailError:
        return None


def mask(address: str | None) -> str | None:
    """j***@example.com: enough for its owner to recognise, not enough to write to."""
    if not address or "@" not in address:
        return None
    local, domain = address.split("@", 1)
    return f"{local[0]}***@{domain}"
