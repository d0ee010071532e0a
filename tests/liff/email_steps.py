"""A member verifying an email address on the profile page, as the page does it: a session from a
LIFF ID token, POST /liff/api/email, the code read from the mail the SMTP server received, POST
/liff/api/email/verify."""
from __future__ import annotations

from .conftest import CHANNEL

# the tests move the app's clock by weeks: the ID token outlives any of them
TOKEN_TTL = 400 * 24 * 3600


class EmailSteps:
    def __init__(self, client, line, mail):
        self.client, self.line, self.mail = client, line, mail

    def headers(self, user_id: str) -> dict:
        made = self.client.post("/liff/api/session",
                                headers={"Authorization": "Bearer " + self.line.liff.issue(user_id, CHANNEL, ttl=TOKEN_TTL)}).json
        return {"Authorization": "Bearer " + made["session"], "X-CSRF-Token": made["csrf"]}

    def ask(self, user_id: str, address: str):
        return self.client.post("/liff/api/email", json={"email": address}, headers=self.headers(user_id))

    def type_code(self, user_id: str, code: str):
        return self.client.post("/liff/api/email/verify", json={"code": code}, headers=self.headers(user_id))

    def verify(self, user_id: str, address: str):
        """The whole way: the address given, the mailed code typed back; the verify answer."""
        asked = self.ask(user_id, address)
        assert asked.status_code == 200, asked.json
        return self.type_code(user_id, self.mail.last().code)
