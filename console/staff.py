"""Staff accounts: creating them, checking a password, and locking an account after repeated failures."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, literal, or_, select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from core.db import Database
from core.db_types import UTCDateTime
from core.field_errors import FieldErrors

from .models import ROLES, StaffUser

MAX_FAILED_LOGINS = 5
LOCK_FOR = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 10
PASSWORD_METHOD = "scrypt"

# Checked against when the e-mail is unknown, so a wrong address takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-password-of-anyone", method=PASSWORD_METHOD)


@dataclass(frozen=True)
class LoginResult:
    staff: StaffUser | None
    locked_until: datetime | None = None
    just_locked: StaffUser | None = None  # the account this very attempt locked

    @property
    def ok(self) -> bool:
        return self.staff is not None


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def check_password_rules(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise FieldErrors.one("password", f"a password needs at least {MIN_PASSWORD_LENGTH} characters")


def create_staff(session: Session, email: str, password: str, role: str, now: datetime) -> StaffUser:
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise FieldErrors.one("email", "an e-mail address is required")
    if role not in ROLES:
        raise FieldErrors.one("role", f"role must be one of {', '.join(ROLES)}")
    check_password_rules(password)
    if by_email(session, email) is not None:
        raise FieldErrors.one("email", f"{email} already has an account", code="taken")
    staff = StaffUser(email=email, password_hash=generate_password_hash(password, method=PASSWORD_METHOD),
                      role=role, active=True, failed_logins=0, session_version=1, created_at=now)
    session.add(staff)
    session.flush()
    return staff


def by_email(session: Session, email: str) -> StaffUser | None:
    return session.scalar(select(StaffUser).where(StaffUser.email == normalise_email(email)))


def all_staff(session: Session) -> list[StaffUser]:
    return list(session.scalars(select(StaffUser).order_by(StaffUser.email)))


def count_admins(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(StaffUser)
                          .where(StaffUser.role == "admin", StaffUser.active.is_(True)))


def authenticate(db: Database, email: str, password: str, now: datetime) -> LoginResult:
    """The staff member when the password is right and the account neither locked nor inactive.

    Each attempt first takes a turn with ONE conditional UPDATE, committed before the (slow) password
    check: `failed_logins + 1` where the account is not locked, and the turn that makes it the
    MAX_FAILED_LOGINS-th also locks the account for LOCK_FOR. So however many wrong passwords arrive
    at once, at most MAX_FAILED_LOGINS are checked before the lock; while locked, even the right
    password is refused (and not counted). A right password clears the count (and a lock its own
    turn set); a wrong one leaves its turn counted.
    """
    turn = db.run(lambda s: _take_turn(s, email, now), write=True)
    if turn is None:
        check_password_hash(_DUMMY_HASH, password or "")
        return LoginResult(None)
    staff, allowed = turn
    if not allowed:
        return LoginResult(None, staff.locked_until)
    if not check_password_hash(staff.password_hash, password or ""):
        if staff.locked_until is not None:
            return LoginResult(None, staff.locked_until, just_locked=staff)
        return LoginResult(None)
    return LoginResult(db.run(lambda s: _succeeded(s, staff.id, now), write=True))


def _take_turn(session: Session, email: str, now: datetime) -> tuple[StaffUser, bool] | None:
    staff = by_email(session, email)
    if staff is None or not staff.active:
        return None
    # past the WHERE, a lock still set has run out: counting starts again
    count = case((StaffUser.locked_until.is_not(None), 1), else_=StaffUser.failed_logins + 1)
    taken = session.execute(
        update(StaffUser)
        .where(StaffUser.id == staff.id, or_(StaffUser.locked_until.is_(None), StaffUser.locked_until <= now))
        .values(failed_logins=count,
                locked_until=case((count >= MAX_FAILED_LOGINS, literal(now + LOCK_FOR, UTCDateTime())), else_=None))
        .execution_options(synchronize_session=False)).rowcount
    session.refresh(staff)
    return staff, taken == 1


def _succeeded(session: Session, staff_id: int, now: datetime) -> StaffUser:
    session.execute(update(StaffUser).where(StaffUser.id == staff_id)
                    .values(failed_logins=0, locked_until=None, last_login_at=now)
                    .execution_options(synchronize_session=False))
    return session.get(StaffUser, staff_id, populate_existing=True)


def set_password(staff: StaffUser, password: str) -> None:
    check_password_rules(password)
    staff.password_hash = generate_password_hash(password, method=PASSWORD_METHOD)
    staff.session_version = (staff.session_version or 1) + 1


def set_role(session: Session, staff: StaffUser, role: str) -> None:
    if role not in ROLES:
        raise FieldErrors.one("role", f"role must be one of {', '.join(ROLES)}")
    if staff.role == "admin" and role != "admin" and count_admins(session) <= 1:
        raise FieldErrors.one("role", "the last admin cannot stop being an admin", code="last_admin")
    staff.role = role
    staff.session_version = (staff.session_version or 1) + 1


def set_active(session: Session, staff: StaffUser, active: bool) -> None:
    if not active and staff.role == "admin" and count_admins(session) <= 1:
        raise FieldErrors.one("active", "the last admin cannot be deactivated", code="last_admin")
    staff.active = active
    staff.session_version = (staff.session_version or 1) + 1


def unlock(staff: StaffUser) -> None:
    staff.locked_until = None
    staff.failed_logins = 0

