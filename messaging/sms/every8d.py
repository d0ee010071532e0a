"""EVERY8D (互動資通) SMS HTTP API 2.1: POST /API21/HTTP/sendSMS.ashx, a UTF-8 form.

Fields: UID, PWD, SB (a subject for the account's records, not sent), MSG, DEST (0912345678 or
+8190..., several comma-separated), ST (send time; empty: now). The answer is one line of text:
`CREDIT,SENDED,COST,UNSEND,BATCH_ID` on success; a negative CREDIT is an error, followed by its
message (e.g. `-99,帳號或密碼錯誤`).
"""
from __future__ import annotations

from urllib.parse import urlencode

from core.phones import Phone

from .base import Sent, SmsError, post_form

DEFAULT_URL = "https://api.e8d.tw"
PATH = "/API21/HTTP/sendSMS.ashx"


class Every8d:
    name = "every8d"

    def __init__(self, uid: str, password: str, base_url: str = DEFAULT_URL, timeout: float = 10.0,
                 subject: str = "verification"):
        self.uid, self.password, self.subject = uid, password, subject
        self.url = (base_url or DEFAULT_URL).rstrip("/") + PATH
        self.timeout = timeout

    def send(self, phone: Phone, text: str, reference: str) -> Sent:
        body = urlencode({"UID": self.uid, "PWD": self.password, "SB": self.subject, "MSG": text,
                          "DEST": phone.national, "ST": ""}, encoding="utf-8").encode("ascii")
        status, answer = post_form(self.url, body, "application/x-www-form-urlencoded; charset=utf-8", self.timeout)
        line = answer.decode("utf-8", errors="replace").strip()
        if status != 200:
            raise SmsError(f"EVERY8D answered HTTP {status}")
        parts = [p.strip() for p in line.split(",")]
        try:
            credit = float(parts[0])
        except ValueError:
            raise SmsError("EVERY8D answered something unreadable") from None
        if credit < 0:
            raise SmsError(f"EVERY8D refused: {parts[0]} {','.join(parts[1:])[:100]}")
        if len(parts) < 5 or parts[1] in ("", "0"):
            raise SmsError("EVERY8D sent nothing")
        return Sent(parts[4])
