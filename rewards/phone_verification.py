"""Proving a phone number is the member's: an SMS one-time code, typed back in the chat.

Three steps, each in the caller's unit of work (`session`, `now` given):

1. `issue` reads the number (core/phones.py), checks the limits and makes a code row (`pending`),
   returning the code in clear once, for the SMS; only its HMAC is stored.
2. The caller hands the SMS to a gateway, then `mark_sent` (the row is sent at most once; a later
   retry finds it `sent` and sends nothing) or `mark_failed` (counts against no limit).
3. `check` takes what the member typed. The right code verifies the number: member.phone (E.164)
   and phone_verified_at, and `after_verified` — all in the same unit of work.

Every refusal raises `Refused(code, **params)` and changes nothing but what it must (a wrong
guess counts one attempt). A number another active member verified is refused only after its code
is proved (`taken`), so nobody learns which numbers are members' by asking for codes.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from core import phones
from core.config import derived_key
from core.phones import Phone

from .claims import Claimed, claim_by_phone
from .models import Member, PhoneCode
from .one_time_codes import CODE_DIGITS, Codes, Limits, Refused, read_code  # noqa: F401 - this module's words
from .settings import ProgramSettings
from .shops import crediting

CODES = Codes(PhoneCode, "phone")


@dataclass(frozen=True)
class Policy(Limits):
    """The limits (rewards/one_time_codes.py); `allow_foreign` comes from PHONE_ALLOW_FOREIGN."""

    allow_foreign: bool = False


@dataclass(frozen=True)
class Issued:
    """A code to send: the row's id, the number and the code in clear (never stored, never logged)."""

    code_id: int
    phone: Phone
    code: str
    # ours for the gateway (Mitake's clientid): this code and no other, even where a row id comes back
    reference: str = ""

    def __repr__(self) -> str:
        return f"Issued(code_id={self.code_id})"


def code_key(secret: str) -> bytes:
    """The key the codes' HMACs are made with, derived from the app's secret (never the secret itself)."""
    return derived_key(secret, b"phone-verification-code-v1")


def latest(session: Session, member: Member) -> PhoneCode | None:
    """The member's newest code that reached (or is on its way to) the gateway."""
    return CODES.latest(session, member)


def issue(session: Session, member: Member, text: str, now: datetime, policy: Policy, key: bytes,
          code: str | None = None) -> Issued:
    """A new code for the number `text` writes, or Refused. `code` only for tests (else random)."""
    try:
        phone = phones.parse(text, allow_foreign=policy.allow_foreign)
    except phones.PhoneError as exc:
        raise Refused(exc.code) from None
    return _issue(session, member, phone, now, policy, key, code)


def resend(session: Session, member: Member, now: datetime, policy: Policy, key: bytes,
           code: str | None = None) -> Issued:
    """A new code for the number of the member's last try, also one the gateway failed to send (the
    old code stops working)."""
    last = CODES.last_tried(session, member)
    if last is None or last.phone is None or last.status == "used":
        raise Refused("no_code")
    return _issue(session, member, Phone(last.phone), now, policy, key, code)


def recently_used(session: Session, member: Member, now: datetime, policy: Policy) -> bool:
    """The member's last code verified their number less than a code's lifetime ago."""
    return CODES.recently_used(session, member, now, policy)


def _issue(session: Session, member: Member, phone: Phone, now: datetime, policy: Policy, key: bytes,
           code: str | None) -> Issued:
    if member.phone == phone.e164 and member.phone_verified_at is not None:
        raise Refused("already_verified", masked=phone.masked)
    row, plain = CODES.start(session, member, phone.e164, now, policy, key, code)
    return Issued(row.id, phone, plain, f"code-{row.id}-{row.code_hash[:16]}")


mark_sent, mark_failed, is_sent = CODES.mark_sent, CODES.mark_failed, CODES.is_sent


@dataclass(frozen=True)
class Verified:
    phone: Phone
    # the records moved in from another programme with this number, now the member's (rewards/claims.py)
    claimed: tuple[Claimed, ...] = ()
    # online orders waiting with this number (rewards/shops/crediting.py), now credited to the member
    orders_credited: int = 0


def check(session: Session, member: Member, text: str, now: datetime, policy: Policy, key: bytes,
          settings: ProgramSettings, claim_days: int = 30) -> Verified:
    """Verify the member's number with the code they typed; what was verified and claimed, or Refused."""
    row = CODES.prove(session, member, text, now, policy, key)
    phone = Phone(row.phone)
    CODES.use(session, member, row, now, "phone", phone.e164)
    return Verified(phone, after_verified(session, member, now, settings),
                    crediting.claim_by_phone(session, member, phone.e164, now, settings, claim_days))


def after_verified(session: Session, member: Member, now: datetime, settings: ProgramSettings) -> tuple[Claimed, ...]:
    """What follows a verified phone, in the same unit of work (member.phone is set): the records
    moved in with this number join the member, once."""
    return tuple(claim_by_phone(session, member, member.phone, now, settings))


def forget(session: Session, member: Member) -> None:
    """Erasure: the member's codes lose their numbers (the rows stay, for the daily counts' sake)."""
    CODES.forget(session, member)
