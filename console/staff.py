"""Staff accounts: creating them, checking a password, and locking an account after repeated failures."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

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


def authenticate(session: Session, email: str, password: str, now: datetime) -> LoginResult:
    """The staff member when the password is right and the account neither locked nor inactive.

    Every wrong password counts; the fifth in a row locks the account for LOCK_FOR. While locked,
    even the right password is refused (and is not counted).
    """
    staff = by_email(session, email)
    if staff is None or not staff.active:
        check_password_hash(_DUMMY_HASH, password or "")
        return LoginResult(None)
    if staff.locked_until is not None and staff.locked_until > now:
        return LoginResult(None, staff.locked_until)
    if not check_password_hash(staff.password_hash, password or ""):
        staff.failed_logins = (staff.failed_logins or 0) + 1
        if staff.failed_logins >= MAX_FAILED_LOGINS:
            staff.locked_until = now + LOCK_FOR
            staff.failed_logins = 0
            return LoginResult(None, staff.locked_until, just_locked=staff)
        return LoginResult(None)
    staff.failed_logins = 0
    staff.locked_until = None
    staff.last_login_at = now
    return LoginResult(staff)


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


def set_line_user_id(staff: StaffUser, line_user_id: str | None) -> None:
    value = (line_user_id or "").strip() or None
    if value is not None and not (value.startswith("U") and len(value) == 33):
        raise FieldErrors.one("line_user_id", "a LINE user id looks like U followed by 32 hexadecimal characters")
    staff.line_user_id = value
