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

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core import phones
from core.config import derived_key
from core.phones import Phone

from .claims import Claimed, claim_by_phone
from .models import Member, PhoneCode
from .settings import ProgramSettings

CODE_DIGITS = 6
# the codes that count against the daily limits: all but those the gateway refused
COUNTED = ("pending", "sent", "replaced", "used", "dead")
DAY = timedelta(days=1)
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


@dataclass(frozen=True)
class Policy:
    """The limits. `allow_foreign` comes from PHONE_ALLOW_FOREIGN; the rest are the issue's numbers."""

    allow_foreign: bool = False
    code_ttl: timedelta = timedelta(minutes=10)
    max_attempts: int = 5
    resend_after: timedelta = timedelta(seconds=60)
    per_number_per_day: int = 5
    per_member_per_day: int = 5


class Refused(Exception):
    """Why not, as a stable `code` (the chat picks its words by it) and parameters.

    Codes: the phone's (`empty`, `not_a_number`, `landline`, `foreign`, `invalid`), `already_verified`,
    `too_early` (seconds), `number_limit`, `member_limit`, `no_code`, `not_a_code`, `wrong` (left),
    `expired`, `attempts_used`, `replayed`, `taken`.
    """

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


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


def _digest(key: bytes, code_id: int, phone: str, code: str) -> str:
    return hmac.new(key, f"{code_id}:{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def latest(session: Session, member: Member) -> PhoneCode | None:
    """The member's newest code that reached (or is on its way to) the gateway."""
    return session.scalars(select(PhoneCode).where(PhoneCode.member_id == member.id,
                                                   PhoneCode.status != "failed")
                           .order_by(PhoneCode.created_at.desc(), PhoneCode.id.desc()).limit(1)).first()


def _count(session: Session, where, now: datetime) -> int:
    return session.scalar(select(func.count()).select_from(PhoneCode).where(
        where, PhoneCode.status.in_(COUNTED), PhoneCode.created_at > now - DAY))


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
    last = session.scalars(select(PhoneCode).where(PhoneCode.member_id == member.id)
                           .order_by(PhoneCode.created_at.desc(), PhoneCode.id.desc()).limit(1)).first()
    if last is None or last.phone is None or last.status == "used":
        raise Refused("no_code")
    return _issue(session, member, Phone(last.phone), now, policy, key, code)


def recently_used(session: Session, member: Member, now: datetime, policy: Policy) -> bool:
    """The member's last code verified their number less than a code's lifetime ago."""
    last = latest(session, member)
    return last is not None and last.status == "used" and last.used_at is not None \
        and last.used_at > now - policy.code_ttl


def _issue(session: Session, member: Member, phone: Phone, now: datetime, policy: Policy, key: bytes,
           code: str | None) -> Issued:
    if member.phone == phone.e164 and member.phone_verified_at is not None:
        raise Refused("already_verified", masked=phone.masked)
    last = latest(session, member)
    if last is not None and last.created_at > now - policy.resend_after:
        wait = last.created_at + policy.resend_after - now
        raise Refused("too_early", seconds=max(1, int(wait.total_seconds() + 0.999)))
    if _count(session, PhoneCode.phone == phone.e164, now) >= policy.per_number_per_day:
        raise Refused("number_limit")
    if _count(session, PhoneCode.member_id == member.id, now) >= policy.per_member_per_day:
        raise Refused("member_limit")
    session.execute(update(PhoneCode).where(PhoneCode.member_id == member.id,
                                            PhoneCode.status.in_(("pending", "sent")))
                    .values(status="replaced"))
    row = PhoneCode(member_id=member.id, phone=phone.e164, code_hash="", status="pending", attempts=0,
                    created_at=now, expires_at=now + policy.code_ttl)
    session.add(row)
    session.flush()
    plain = code or "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    row.code_hash = _digest(key, row.id, phone.e164, plain)
    return Issued(row.id, phone, plain, f"code-{row.id}-{row.code_hash[:16]}")


def mark_sent(session: Session, code_id: int, provider: str, reference: str | None, now: datetime) -> None:
    session.execute(update(PhoneCode).where(PhoneCode.id == code_id, PhoneCode.sent_at.is_(None))
                    .values(status="sent", sent_at=now, provider=provider, provider_ref=(reference or "")[:64]))


def mark_failed(session: Session, code_id: int, provider: str) -> None:
    """The gateway refused or could not be reached: the code never went out and counts for nothing."""
    session.execute(update(PhoneCode).where(PhoneCode.id == code_id, PhoneCode.sent_at.is_(None))
                    .values(status="failed", provider=provider))


def is_sent(session: Session, code_id: int) -> bool:
    return session.scalar(select(PhoneCode.sent_at).where(PhoneCode.id == code_id)) is not None


def read_code(text: str) -> str | None:
    """The 6 digits the member typed ("123 456", full-width), or None if it is not a code."""
    digits = "".join((text or "").translate(_FULL_WIDTH_DIGITS).split()).replace("-", "")
    return digits if len(digits) == CODE_DIGITS and digits.isascii() and digits.isdigit() else None


@dataclass(frozen=True)
class Verified:
    phone: Phone
    # the records moved in from another programme with this number, now the member's (rewards/claims.py)
    claimed: tuple[Claimed, ...] = ()


def check(session: Session, member: Member, text: str, now: datetime, policy: Policy, key: bytes,
          settings: ProgramSettings) -> Verified:
    """Verify the member's number with the code they typed; what was verified and claimed, or Refused."""
    typed = read_code(text)
    if typed is None:
        raise Refused("not_a_code")
    row = latest(session, member)
    if row is None or row.phone is None or row.status == "pending":
        raise Refused("no_code")
    right = hmac.compare_digest(row.code_hash, _digest(key, row.id, row.phone, typed))
    if row.status == "used":
        raise Refused("replayed" if right else "no_code")
    if row.status == "dead" or row.attempts >= policy.max_attempts:
        raise Refused("attempts_used")
    if row.expires_at <= now:
        raise Refused("expired")
    if not right:
        row.attempts += 1
        if row.attempts >= policy.max_attempts:
            row.status = "dead"
            raise Refused("attempts_used")
        raise Refused("wrong", left=policy.max_attempts - row.attempts)
    phone = Phone(row.phone)
    if _verified_by_another(session, member, phone.e164):
        raise Refused("taken")
    try:
        with session.begin_nested():  # another member verifying the same number this instant
            member.phone, member.phone_verified_at = phone.e164, now
            row.status, row.used_at = "used", now
            session.flush()
    except IntegrityError:
        session.refresh(member)
        session.refresh(row)
        raise Refused("taken") from None
    return Verified(phone, after_verified(session, member, now, settings))


def _verified_by_another(session: Session, member: Member, e164: str) -> bool:
    return session.scalar(select(Member.id).where(
        Member.phone == e164, Member.phone_verified_at.is_not(None), Member.erased_at.is_(None),
        Member.id != member.id).limit(1)) is not None


def after_verified(session: Session, member: Member, now: datetime, settings: ProgramSettings) -> tuple[Claimed, ...]:
    """What follows a verified phone, in the same unit of work (member.phone is set): the records
    moved in with this number join the member, once."""
    return tuple(claim_by_phone(session, member, member.phone, now, settings))


def forget(session: Session, member: Member) -> None:
    """Erasure: the member's codes lose their numbers (the rows stay, for the daily counts' sake)."""
    session.execute(update(PhoneCode).where(PhoneCode.member_id == member.id).values(phone=None))
