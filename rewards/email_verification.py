"""Proving an email address is the member's: a 6-digit code mailed to it, typed back on the
profile page (bot/liff_api.py). The rules of the codes are phone verification's
(rewards/one_time_codes.py): expiry, attempts, the wait between codes, daily limits, codes kept
only as an HMAC keyed from the app's secret (core.config.derived_key).

1. `issue` reads the address (core/emails.py: stripped, lower-cased) and makes a code row.
2. The caller mails the code (messaging/mail/delivery.py), which marks it sent or failed.
3. `check` takes what the member typed. The right code verifies the address: member.email and
   email_verified_at, and the online orders waiting with that address within the claim window are
   credited to the member (rewards/shops/crediting.py) — all in the same unit of work.

An address another active member verified is refused only after its code is proved (`taken`), so
nobody learns whose addresses are members' by asking for codes.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from core import emails
from core.config import derived_key

from .models import EmailCode, Member
from .one_time_codes import Codes, Limits, Refused
from .settings import ProgramSettings
from .shops import crediting

CODES = Codes(EmailCode, "email")
Policy = Limits


@dataclass(frozen=True)
class Issued:
    """A code to mail: the row's id, the address and the code in clear (never stored, never logged)."""

    code_id: int
    email: str
    code: str
    reference: str = ""

    @property
    def masked(self) -> str:
        return emails.mask(self.email) or ""

    def __repr__(self) -> str:
        return f"Issued(code_id={self.code_id})"


@dataclass(frozen=True)
class Verified:
    email: str
    credited: int = 0  # online orders that waited with this address, now the member's


def code_key(secret: str) -> bytes:
    """The key the codes' HMACs are made with, derived from the app's secret (never the secret itself)."""
    return derived_key(secret, b"email-verification-code-v1")


def issue(session: Session, member: Member, text: str, now: datetime, policy: Limits, key: bytes,
          code: str | None = None) -> Issued:
    """A new code for the address `text` writes, or Refused (`empty`, `invalid`, `already_verified`
    and the codes' own). `code` only for tests (else random)."""
    try:
        email = emails.normalise(text)
    except emails.EmailError as exc:
        raise Refused(exc.code) from None
    if member.email == email and member.email_verified_at is not None:
        raise Refused("already_verified", masked=emails.mask(email))
    row, plain = CODES.start(session, member, email, now, policy, key, code)
    return Issued(row.id, email, plain, f"code-{row.id}-{row.code_hash[:16]}")


mark_sent, mark_failed, is_sent = CODES.mark_sent, CODES.mark_failed, CODES.is_sent


def check(session: Session, member: Member, text: str, now: datetime, policy: Limits, key: bytes,
          settings: ProgramSettings, claim_days: int) -> Verified:
    """Verify the member's address with the code they typed; what was verified and credited, or Refused."""
    row = CODES.prove(session, member, text, now, policy, key)
    CODES.use(session, member, row, now, "email", row.email)
    return Verified(row.email, crediting.claim_by_email(session, member, row.email, now, settings, claim_days))


def forget(session: Session, member: Member) -> None:
    """Erasure: the member's codes lose their addresses (the rows stay, for the daily counts' sake)."""
    CODES.forget(session, member)
