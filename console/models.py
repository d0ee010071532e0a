"""Tables of the staff console: who may log in, and with which role."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.orm import Base, BigId

ROLES = ("viewer", "marketer", "admin")


class StaffUser(Base):
    """A person who works in the console. The password is kept only as a salted scrypt/pbkdf2 hash."""

    __tablename__ = "staff_users"
    __table_args__ = (CheckConstraint("role in ('viewer', 'marketer', 'admin')", name="role_known"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(12))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # (a staff member's LINE account, for test sends, is linked only by the LINK code they send the
    # bot from it: messaging/staff_link.py; never typed in)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    # bumped when the password or role changes, so sessions signed before are no longer accepted
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime]

    def __repr__(self) -> str:
        return f"<StaffUser {self.id} {self.role}>"


class StaffSession(Base):
    """One console login, held on the server: the cookie carries only its random id (kept here as a
    SHA-256), so logging out, the 8-hour limit and the idle timeout end it whatever a copied cookie says."""

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
