"""Linking a staff member's LINE account: the console shows a one-time code, the staff member sends it
to the bot from LINE, and test sends of broadcasts then go to that account.

The LINE user id comes from the webhook event, never from staff input. A code is 12 symbols of the
unambiguous alphabet of rewards/codes.py (about 59 bits), shown in groups ("LINK ABCD-EFGH-JKMN";
case, spaces and dashes do not matter), valid VALID_FOR, used once; a new code replaces the old. Its
first SELECTOR_LENGTH symbols name the link being made, so a wrong code can be counted against it.

Guessing is bounded, in the database so that every web process counts the same:
* per LINE user: at most ATTEMPTS_PER_USER codes tried in ATTEMPT_WINDOW (one conditional UPDATE
  takes a turn before the code is looked at; while none is left, even the right code is refused);
* per code: at most ATTEMPTS_PER_CODE tries naming its link; the last wrong one voids the code.
Each link, each voided code and each LINE user stopped is written to the audit trail.
"""
from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from core import attempts
from rewards import audit, codes
from core.timeutil import require_aware

from messaging.models import LinkAttempt, StaffLineLink

VALID_FOR = timedelta(minutes=5)
CODE_LENGTH = 12
SELECTOR_LENGTH = 4
ATTEMPTS_PER_USER = 5
ATTEMPT_WINDOW = timedelta(minutes=15)
ATTEMPTS_PER_CODE = 3
PREFIX = "LINK"
# a message that is only a link code, or what looks like an attempt at one (every such try is counted)
ACCOUNT_WORDS = re.compile(r"(?:MY)?(?:SHOP|ONLINE)?ACCOUNT")
MESSAGE = re.compile(r"^\s*(?:LINK|綁定)\s*[-:：]?\s*([0-9A-Za-z][0-9A-Za-z \-]{3,30})\s*$", re.IGNORECASE)


def shown(code: str) -> str:
    """The code as the console shows it: groups of four."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def new_code(session: Session, staff_id: int, staff_email: str, now: datetime) -> str:
    """A fresh one-time code for `staff_id` (what the staff member sends the bot: f"LINK {shown(code)}")."""
    require_aware(now)
    link = session.get(StaffLineLink, staff_id) or StaffLineLink(staff_id=staff_id)
    session.add(link)
    while True:
        code = codes.random_code(CODE_LENGTH)
        taken = select(StaffLineLink.staff_id).where(or_(StaffLineLink.code_selector == code[:SELECTOR_LENGTH],
                                                         StaffLineLink.code == code))
        if session.scalar(taken) is None:
            break
    link.code, link.code_selector, link.code_attempts = code, code[:SELECTOR_LENGTH], 0
    link.code_expires_at, link.staff_email = now + VALID_FOR, staff_email
    session.flush()
    return code


def code_in(text: str | None) -> str | None:
    """The code in a chat message that is only a link code (or a try at one), normalised; else None."""
    found = MESSAGE.match(text or "")
    code = codes.normalise(found.group(1)) if found else None
    # "link my account" is a member asking for LINE's account link (handlers/account_link.py), not a code
    return None if code is None or ACCOUNT_WORDS.fullmatch(code) else code


@dataclass(frozen=True)
class Outcome:
    staff_id: int | None = None       # linked
    retry_in: timedelta | None = None  # too many tries from this LINE user: when they may try again

    @property
    def linked(self) -> bool:
        return self.staff_id is not None


def redeem(session: Session, code: str, line_user_id: str, now: datetime) -> Outcome:
    """Link the LINE account that sent `code`: Outcome(staff_id) when it did; Outcome(retry_in=...) when
    this LINE user has tried too many codes lately; Outcome() for a code that is unknown, expired,
    used, voided or wrong."""
    require_aware(now)
    if not line_user_id:
        return Outcome()
    retry_in = _take_turn(session, line_user_id, now)
    if retry_in is not None:
        return Outcome(retry_in=retry_in)
    code = codes.normalise(code)
    # the link the code names, if it is still open to tries: one more try counted against it
    named = session.execute(
        update(StaffLineLink)
        .where(StaffLineLink.code_selector == code[:SELECTOR_LENGTH], StaffLineLink.code_expires_at > now,
               StaffLineLink.code_attempts < ATTEMPTS_PER_CODE)
        .values(code_attempts=StaffLineLink.code_attempts + 1)
        .returning(StaffLineLink.staff_id, StaffLineLink.code, StaffLineLink.code_attempts)
        .execution_options(synchronize_session=False)).first()
    if named is None:
        return Outcome()
    staff_id, expected, tries = named
    link = session.get(StaffLineLink, staff_id, populate_existing=True)
    if not hmac.compare_digest(code.encode(), (expected or "").encode()):
        if tries >= ATTEMPTS_PER_CODE:  # the last try it had: nobody may use it now
            _close(link)
            audit.record(session, _who(line_user_id), "staff.line_link_code_voided", _target(link),
                         {"tries": tries}, now)
        session.flush()
        return Outcome()
    _close(link)
    link.line_user_id, link.linked_at = line_user_id, now
    audit.record(session, _who(line_user_id), "staff.line_linked", _target(link),
                 {"line_account": _masked(line_user_id), "tries": tries}, now)
    session.flush()
    return Outcome(staff_id=staff_id)


def _take_turn(session: Session, line_user_id: str, now: datetime) -> timedelta | None:
    return attempts.take_turn(session, LinkAttempt, line_user_id, now, ATTEMPTS_PER_USER, ATTEMPT_WINDOW)


def retry_minutes(outcome: Outcome) -> int:
    """Whole minutes to wait, rounded up, for the member's words."""
    return attempts.minutes_left(outcome.retry_in)


def _close(link: StaffLineLink) -> None:
    link.code = link.code_selector = link.code_expires_at = None
    link.code_attempts = 0


def _masked(line_user_id: str) -> str:
    return f"{line_user_id[:1]}…{line_user_id[-4:]}"


def _who(line_user_id: str) -> str:
    return f"line:{_masked(line_user_id)}"


def _target(link: StaffLineLink) -> str:
    return f"staff:{link.staff_email}" if link.staff_email else f"staff_id:{link.staff_id}"


def linked(session: Session, staff_id: int) -> StaffLineLink | None:
    link = session.get(StaffLineLink, staff_id)
    return link if link is not None and link.line_user_id else None


def pending_code(session: Session, staff_id: int, now: datetime) -> tuple[str, datetime] | None:
    link = session.get(StaffLineLink, staff_id)
    if link is None or not link.code or link.code_expires_at is None or link.code_expires_at <= now:
        return None
    return link.code, link.code_expires_at


def forget_account(session: Session, line_user_id: str) -> None:
    """Unlink the LINE account wherever a staff member linked it, and forget its tries (its owner
    erased their data)."""
    session.execute(update(StaffLineLink).where(StaffLineLink.line_user_id == line_user_id)
                    .values(line_user_id=None, linked_at=None).execution_options(synchronize_session=False))
    session.execute(LinkAttempt.__table__.delete().where(LinkAttempt.line_user_id == line_user_id))


def unlink(session: Session, staff_id: int) -> None:
    link = session.get(StaffLineLink, staff_id)
    if link is not None:
        link.line_user_id = link.linked_at = None
