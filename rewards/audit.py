"""The audit trail: who did what to whom. Written in the caller's transaction with the change itself."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import AuditLog
from core.timeutil import require_aware


def record(session: Session, actor: str, action: str, target: str, details: Mapping[str, Any] | None,
           now: datetime) -> AuditLog:
    require_aware(now)
    if not actor:
        raise ValueError("an audit row needs an actor")
    row = AuditLog(at=now, actor=actor[:200], action=action, target=target[:200], details=dict(details or {}))
    session.add(row)
    session.flush()
    return row


def entries(session: Session, target: str | None = None, action: str | None = None,
            limit: int = 50) -> list[AuditLog]:
    """The latest audit rows, newest first, optionally for one target and/or action."""
    q = select(AuditLog)
    if target is not None:
        q = q.where(AuditLog.target == target)
    if action is not None:
        q = q.where(AuditLog.action == action)
    return list(session.scalars(q.order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(limit)))
