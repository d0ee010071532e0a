"""One-time codes that prove an address is the member's (a phone number by SMS, an email address by
mail): made, sent once, checked — one set of rules whatever carries the code.

`Codes(model, address)` works on a table of codes (rewards.models.PhoneCode, EmailCode) whose column
`address` holds the number or the address. Each step runs in the caller's unit of work:

* `start` checks the wait between codes and the daily limits (per address, per member), replaces
  the member's open code and makes a `pending` row; the code in clear is returned once, for the
  message; only an HMAC of it (keyed, bound to the row and the address) is stored.
* `mark_sent` (at most once) or `mark_failed` (the carrier refused: counts against no limit).
* `prove` takes what the member typed and returns the row whose code it is, or raises Refused; a
  wrong guess counts one attempt, the last one kills the code.

What a proved code does (the member's phone or email set, what follows) is the caller's
(rewards/phone_verification.py, rewards/email_verification.py).
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

from .models import Member

CODE_DIGITS = 6
# the codes that count against the daily limits: all but those the carrier refused
COUNTED = ("pending", "sent", "replaced", "used", "dead")
DAY = timedelta(days=1)
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


@dataclass(frozen=True)
class Limits:
    """How long a code lives, how many guesses it takes, the wait before another and the daily limits."""

    code_ttl: timedelta = timedelta(minutes=10)
    max_attempts: int = 5
    resend_after: timedelta = timedelta(seconds=60)
    per_number_per_day: int = 5  # per address: a number or an email address
    per_member_per_day: int = 5


class Refused(Exception):
    """Why not, as a stable `code` (the member's words are picked by it) and parameters.

    Codes of the codes themselves: `too_early` (seconds), `number_limit`, `member_limit`, `no_code`,
    `not_a_code`, `wrong` (left), `expired`, `attempts_used`, `replayed`; the callers add theirs
    (the address's format, `already_verified`, `taken`).
    """

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


def read_code(text: str) -> str | None:
    """The 6 digits the member typed ("123 456", full-width), or None if it is not a code."""
    digits = "".join((text or "").translate(_FULL_WIDTH_DIGITS).split()).replace("-", "")
    return digits if len(digits) == CODE_DIGITS and digits.isascii() and digits.isdigit() else None


def _digest(key: bytes, code_id: int, address: str, code: str) -> str:
    return hmac.new(key, f"{code_id}:{address}:{code}".encode(), hashlib.sha256).hexdigest()


class Codes:
    """The rules over one table of codes (see the module's doc)."""

    def __init__(self, model, address: str):
        self.model, self.address = model, address
        self.column = getattr(model, address)

    def latest(self, session: Session, member: Member):
        """The member's newest code that reached (or is on its way to) its carrier."""
        m = self.model
        return session.scalars(select(m).where(m.member_id == member.id, m.status != "failed")
                               .order_by(m.created_at.desc(), m.id.desc()).limit(1)).first()

    def last_tried(self, session: Session, member: Member):
        """The member's newest code, also one the carrier failed to send."""
        m = self.model
        return session.scalars(select(m).where(m.member_id == member.id)
                               .order_by(m.created_at.desc(), m.id.desc()).limit(1)).first()

    def _count(self, session: Session, where, now: datetime) -> int:
        m = self.model
        return session.scalar(select(func.count()).select_from(m).where(
            where, m.status.in_(COUNTED), m.created_at > now - DAY))

    def start(self, session: Session, member: Member, address: str, now: datetime, limits: Limits, key: bytes,
              code: str | None = None):
        """A new code for `address`: (row, code in clear), or Refused. `code` only for tests (else random)."""
        m = self.model
        last = self.latest(session, member)
        if last is not None and last.created_at > now - limits.resend_after:
            wait = last.created_at + limits.resend_after - now
            raise Refused("too_early", seconds=max(1, int(wait.total_seconds() + 0.999)))
        if self._count(session, self.column == address, now) >= limits.per_number_per_day:
            raise Refused("number_limit")
        if self._count(session, m.member_id == member.id, now) >= limits.per_member_per_day:
            raise Refused("member_limit")
        session.execute(update(m).where(m.member_id == member.id, m.status.in_(("pending", "sent")))
                        .values(status="replaced"))
        row = m(member_id=member.id, code_hash="", status="pending", attempts=0, created_at=now,
                expires_at=now + limits.code_ttl, **{self.address: address})
        session.add(row)
        session.flush()
        plain = code or "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
        row.code_hash = _digest(key, row.id, address, plain)
        return row, plain

    def mark_sent(self, session: Session, code_id: int, provider: str, reference: str | None, now: datetime) -> None:
        m = self.model
        session.execute(update(m).where(m.id == code_id, m.sent_at.is_(None))
                        .values(status="sent", sent_at=now, provider=provider, provider_ref=(reference or "")[:64]))

    def mark_failed(self, session: Session, code_id: int, provider: str) -> None:
        """The carrier refused or could not be reached: the code never went out and counts for nothing."""
        m = self.model
        session.execute(update(m).where(m.id == code_id, m.sent_at.is_(None)).values(status="failed", provider=provider))

    def is_sent(self, session: Session, code_id: int) -> bool:
        return session.scalar(select(self.model.sent_at).where(self.model.id == code_id)) is not None

    def recently_used(self, session: Session, member: Member, now: datetime, limits: Limits) -> bool:
        """The member's last code proved its address less than a code's lifetime ago."""
        last = self.latest(session, member)
        return last is not None and last.status == "used" and last.used_at is not None \
            and last.used_at > now - limits.code_ttl

    def prove(self, session: Session, member: Member, text: str, now: datetime, limits: Limits, key: bytes):
        """The member's open code row if `text` is its code, else Refused (a wrong guess counts)."""
        typed = read_code(text)
        if typed is None:
            raise Refused("not_a_code")
        row = self.latest(session, member)
        address = getattr(row, self.address) if row is not None else None
        if row is None or address is None or row.status == "pending":
            raise Refused("no_code")
        right = hmac.compare_digest(row.code_hash, _digest(key, row.id, address, typed))
        if row.status == "used":
            raise Refused("replayed" if right else "no_code")
        if row.status == "dead" or row.attempts >= limits.max_attempts:
            raise Refused("attempts_used")
        if row.expires_at <= now:
            raise Refused("expired")
        if not right:
            row.attempts += 1
            if row.attempts >= limits.max_attempts:
                row.status = "dead"
                raise Refused("attempts_used")
            raise Refused("wrong", left=limits.max_attempts - row.attempts)
        return row

    def use(self, session: Session, member: Member, row, now: datetime, field: str, value: str) -> None:
        """The proved code's address becomes the member's verified `field` (`phone`, `email`; its time in
        `<field>_verified_at`), or Refused `taken` when another active member verified it (also this
        very instant: the unique index of verified addresses refuses the second)."""
        column, verified_at = getattr(Member, field), getattr(Member, f"{field}_verified_at")
        if session.scalar(select(Member.id).where(column == value, verified_at.is_not(None), Member.erased_at.is_(None),
                                                  Member.id != member.id).limit(1)) is not None:
            raise Refused("taken")
        try:
            with session.begin_nested():
                setattr(member, field, value)
                setattr(member, f"{field}_verified_at", now)
                row.status, row.used_at = "used", now
                session.flush()
        except IntegrityError:
            session.refresh(member)
            session.refresh(row)
            raise Refused("taken") from None

    def forget(self, session: Session, member: Member) -> None:
        """Erasure: the member's codes lose their addresses (the rows stay, for the daily counts' sake)."""
        session.execute(update(self.model).where(self.model.member_id == member.id).values(**{self.address: None}))
