"""Mailing an email verification code once: the server is called only for a code not yet sent, and
what it said is recorded on the code's row (rewards/email_verification.py)."""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session

from rewards import email_verification as verification

from .smtp import MailError, SmtpMailer

log = logging.getLogger(__name__)


def send_code(session: Session, mailer: SmtpMailer, issued: verification.Issued, subject: str, text: str,
              now: datetime, member_id: int) -> bool:
    """True when the server took the mail (now or before); False when it failed (the code is marked
    failed and counts against no limit). Logs the member id, never the address or the code."""
    if verification.is_sent(session, issued.code_id):
        return True
    try:
        sent = mailer.send(issued.email, subject, text)
    except MailError as exc:
        log.warning("email code for member %s not sent: %s", member_id, exc)
        verification.mark_failed(session, issued.code_id, mailer.name)
        return False
    verification.mark_sent(session, issued.code_id, mailer.name, sent.reference, now)
    log.info("email code for member %s sent (code row %s)", member_id, issued.code_id)
    return True
