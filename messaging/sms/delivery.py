"""Sending a verification code once: the gateway is called only for a code not yet sent, and what it
said is recorded on the code's row (rewards/phone_verification.py)."""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session

from rewards import phone_verification as verification

from .base import Gateway, SmsError

log = logging.getLogger(__name__)


def send_code(session: Session, gateway: Gateway, issued: verification.Issued, text: str, now: datetime,
              member_id: int) -> bool:
    """True when the gateway took the SMS (now or before); False when it failed (the code is marked
    failed and counts against no limit). Logs the member id, never the number or the code."""
    if verification.is_sent(session, issued.code_id):
        return True
    try:
        sent = gateway.send(issued.phone, text, issued.reference)
    except SmsError as exc:
        log.warning("SMS code for member %s not sent by %s: %s", member_id, gateway.name, exc)
        verification.mark_failed(session, issued.code_id, gateway.name)
        return False
    verification.mark_sent(session, issued.code_id, gateway.name, sent.reference, now)
    log.info("SMS code for member %s sent by %s (%s)", member_id, gateway.name, sent.reference)
    return True
