"""Mitake (三竹資訊) SMS HTTP API: POST /api/mtk/SmSend?CharsetURL=UTF-8, a form.

Fields: username, password, dstaddr (0912345678), smbody, clientid (ours: Mitake keeps one
message per clientid for 12 hours, so a retry is not sent twice), and optional dlvtime, vldtime,
destname, response. CharsetURL says how smbody is encoded (UTF-8 here; Big5 without it). The answer
is text, `key=value` lines under `[1]`: msgid, statuscode, AccountPoint (and Duplicate=Y for a
clientid seen before). statuscode 0, 1, 2, 4: taken; a letter or `*`: refused (e: wrong account or
password, k: address not allowed, u: empty body, v: bad number, *: system error).
"""
from __future__ import annotations

from urllib.parse import urlencode

from core.phones import Phone

from .base import Sent, SmsError, post_form

DEFAULT_URL = "https://smsapi.mitake.com.tw"
PATH = "/api/mtk/SmSend?CharsetURL=UTF-8"
TAKEN = {"0", "1", "2", "4"}


def read_answer(text: str) -> dict[str, str]:
    fields = {}
    for line in text.splitlines():
        key, sep, value = line.strip().partition("=")
        if sep:
            fields[key.strip()] = value.strip()
    return fields


class Mitake:
    name = "mitake"

    def __init__(self, username: str, password: str, base_url: str = DEFAULT_URL, timeout: float = 10.0):
        self.username, self.password = username, password
        self.url = (base_url or DEFAULT_URL).rstrip("/") + PATH
        self.timeout = timeout

    def send(self, phone: Phone, text: str, reference: str) -> Sent:
        dstaddr = phone.national if phone.is_taiwan else phone.e164.lstrip("+")
        body = urlencode({"username": self.username, "password": self.password, "dstaddr": dstaddr,
                          "smbody": text, "clientid": reference}, encoding="utf-8").encode("ascii")
        status, answer = post_form(self.url, body, "application/x-www-form-urlencoded", self.timeout)
        if status != 200:
            raise SmsError(f"Mitake answered HTTP {status}")
        fields = read_answer(answer.decode("utf-8", errors="replace"))
        code = fields.get("statuscode")
        if code not in TAKEN:
            raise SmsError(f"Mitake refused: statuscode {code!r} {fields.get('Error', '')[:100]}")
        if not fields.get("msgid"):
            raise SmsError("Mitake answered without a msgid")
        return Sent(fields["msgid"])
