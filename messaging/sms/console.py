"""Development only: the SMS goes to the log and to the simulator's page, never to a phone.

Production refuses this provider (core/config.py).
"""
from __future__ import annotations

import json
import logging
import uuid

from core.phones import Phone

from .base import Sent, SmsError, post_form

log = logging.getLogger(__name__)
PATH = "/__sim/sms/console"


class Console:
    name = "console"

    def __init__(self, simulator_url: str = "", timeout: float = 5.0):
        self.url = simulator_url.rstrip("/") + PATH if simulator_url else ""
        self.timeout = timeout

    def send(self, phone: Phone, text: str, reference: str) -> Sent:
        # development's log only (this provider never runs in production): the text holds the code
        log.warning("console SMS to %s: %s", phone.masked, text)
        if self.url:
            body = json.dumps({"to": phone.e164, "text": text, "reference": reference}).encode()
            status, _ = post_form(self.url, body, "application/json", self.timeout)
            if status >= 300:
                raise SmsError(f"the simulator's SMS page answered HTTP {status}")
        return Sent("console-" + uuid.uuid4().hex[:12])
