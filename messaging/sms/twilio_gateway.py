"""Twilio's Programmable Messaging through the official `twilio` package.

`base_url` replaces https://api.twilio.com (the package's `client.api.base_url`), so the
simulator can play Twilio in development and tests.
"""
from __future__ import annotations

from core.phones import Phone

from .base import Sent, SmsError


class Twilio:
    name = "twilio"

    def __init__(self, account_sid: str, auth_token: str, sender: str, base_url: str = "", timeout: float = 10.0):
        # imported only when Twilio is the provider: the package is large
        from twilio.http.http_client import TwilioHttpClient
        from twilio.rest import Client

        self.client = Client(account_sid, auth_token, http_client=TwilioHttpClient(timeout=timeout))
        if base_url:
            self.client.api.base_url = base_url.rstrip("/")
        self.sender = sender

    def send(self, phone: Phone, text: str, reference: str) -> Sent:
        from twilio.base.exceptions import TwilioException, TwilioRestException

        # a Messaging Service (MG...) picks the sender itself; otherwise `sender` is the From number
        where = {"messaging_service_sid": self.sender} if self.sender.startswith("MG") else {"from_": self.sender}
        try:
            message = self.client.messages.create(to=phone.e164, body=text, **where)
        except TwilioRestException as exc:
            raise SmsError(f"Twilio refused: HTTP {exc.status} code {exc.code}") from None
        except (TwilioException, OSError) as exc:
            raise SmsError(f"Twilio unreachable: {type(exc).__name__}") from None
        if not message.sid:
            raise SmsError("Twilio answered without a message sid")
        return Sent(message.sid)
