"""The API's own table: keys the shops' systems authenticate with."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from core.orm import Base, BigId


class ApiKey(Base):
    """One shop system's credential. Only the sha256 of the key is kept; the key itself is shown once.

    Names are unique for good, revoked keys included, so the audit trail's "api:NAME" stays unambiguous.
    """

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # the key's first characters, so an operator can tell keys apart in a listing
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None

    def __repr__(self) -> str:
        return f"<ApiKey {self.id} {self.name} {self.prefix}…>"
