"""Linking a staff member's LINE account: the console shows a one-time code, the staff member sends it
to the bot from LINE, and test sends of broadcasts then go to that account.

A code is 6 digits after "LINK" (sent as e.g. "LINK 482913"), valid 10 minutes, used once; a new code
replaces the old. The LINE user id comes from the webhook event, never from staff input.
"""
from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from rewards.timeutil import require_aware

from messaging.models import StaffLineLink

VALID_FOR = timedelta(minutes=10)
PREFIX = "LINK"
MESSAGE = re.compile(r"^\s*(?:LINK|綁定)\s*[-:：]?\s*(\d{6})\s*$", re.IGNORECASE)


def new_code(session: Session, staff_id: int, now: datetime) -> str:
    """A fresh one-time code for `staff_id` (what the staff member sends the bot: f"LINK {code}")."""
    require_aware(now)
    link = session.get(StaffLineLink, staff_id) or StaffLineLink(staff_id=staff_id)
    session.add(link)
    while True:
        code = f"{secrets.randbelow(1_000_000):06d}"
        if session.scalar(select(StaffLineLink.staff_id).where(StaffLineLink.code == code)) is None:
            break
    link.code, link.code_expires_at = code, now + VALID_FOR
    session.flush()
    return code


def code_in(text: str | None) -> str | None:
    """The code in a chat message that is only a link code, else None."""
    found = MESSAGE.match(text or "")
    return found.group(1) if found else None


def redeem(session: Session, code: str, line_user_id: str, now: datetime) -> int | None:
    """Link the LINE account that sent `code`; returns the staff id, or None (unknown or expired)."""
    require_aware(now)
    link = session.scalar(select(StaffLineLink).where(StaffLineLink.code == code))
    if link is None or link.code_expires_at is None or link.code_expires_at <= now or not line_user_id:
        return None
    link.line_user_id, link.linked_at, link.code, link.code_expires_at = line_user_id, now, None, None
    session.flush()
    return link.staff_id


def linked(session: Session, staff_id: int) -> StaffLineLink | None:
    link = session.get(StaffLineLink, staff_id)
    return link if link is not None and link.line_user_id else None


def pending_code(session: Session, staff_id: int, now: datetime) -> tuple[str, datetime] | None:
    link = session.get(StaffLineLink, staff_id)
    if link is None or not link.code or link.code_expires_at is None or link.code_expires_at <= now:
        return None
    return link.code, link.code_expires_at


def forget_account(session: Session, line_user_id: str) -> None:
    """Unlink the LINE account wherever a staff member linked it (its owner erased their data)."""
    session.execute(update(StaffLineLink).where(StaffLineLink.line_user_id == line_user_id)
                    .values(line_user_id=None, linked_at=None).execution_options(synchronize_session=False))


def unlink(session: Session, staff_id: int) -> None:
    link = session.get(StaffLineLink, staff_id)
    if link is not None:
        link.line_user_id = link.linked_at = None
