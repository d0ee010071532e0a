"""Three SMS gateways' HTTP APIs, as their documents describe them, and a console page for development.

* Twilio: POST /2010-04-01/Accounts/{AccountSid}/Messages.json, HTTP Basic (sid:token), a form
  with To (E.164), From or MessagingServiceSid, Body; 201 and the Message resource as JSON, or
  Twilio's error JSON ({code, message, more_info, status}).
* EVERY8D: POST /API21/HTTP/sendSMS.ashx, a UTF-8 form UID, PWD, SB, MSG, DEST, ST; one line of
  text: CREDIT,SENDED,COST,UNSEND,BATCH_ID, or a negative CREDIT and the reason.
* Mitake: POST /api/mtk/SmSend?CharsetURL=UTF-8 (Big5 without it), a form username, password,
  dstaddr, smbody, clientid; `key=value` lines under [1] (msgid, statuscode, AccountPoint), a
  clientid seen before answers its first msgid with Duplicate=Y and sends nothing.
* POST /__sim/sms/console: what the bot's console provider "sent" ({to, text}).

Every text sent is recorded: GET /__sim/sms (JSON), GET /__sim/sms/page (a page); DELETE /__sim/sms
empties it. Faults injected at /__sim/faults with a path_regex matching these paths answer the
fault's status and body (text or JSON) and send nothing.
"""
from __future__ import annotations

import base64
import re
import threading
import time
import uuid
from dataclasses import asdict, dataclass
from html import escape
from urllib.parse import parse_qsl

from flask import Blueprint, Response, jsonify, request

TAIWAN_MOBILE = re.compile(r"(\+?886|0)9\d{8}")
E164 = re.compile(r"\+[1-9]\d{6,14}")
MITAKE_TAKEN = "1"


@dataclass
class Sms:
    provider: str
    to: str
    text: str
    reference: str
    at: float


class SmsBook:
    """Every SMS the gateways took, in order."""

    def __init__(self):
        self._lock = threading.Lock()
        self.sent: list[Sms] = []
        self._mitake_clients: dict[str, str] = {}  # clientid -> msgid

    def add(self, provider: str, to: str, text: str, reference: str) -> Sms:
        sms = Sms(provider, to, text, reference, time.time())
        with self._lock:
            self.sent.append(sms)
        return sms

    def mitake_seen(self, client_id: str) -> str | None:
        with self._lock:
            return self._mitake_clients.get(client_id)

    def mitake_remember(self, client_id: str, msgid: str) -> None:
        with self._lock:
            self._mitake_clients[client_id] = msgid

    def all(self) -> list[Sms]:
        with self._lock:
            return list(self.sent)


def _form(charset: str = "utf-8") -> dict[str, str]:
    return dict(parse_qsl(request.get_data().decode("ascii", errors="replace"), keep_blank_values=True,
                          encoding=charset, errors="strict"))


def _fault_answer(platform, default_body, mimetype: str):
    fault = platform.faults.take(request.path)
    if fault is None:
        return None
    if fault.delay:
        time.sleep(fault.delay)
    if fault.status is None:
        return None
    body = fault.body if fault.body is not None else default_body
    if isinstance(body, (dict, list)):
        return jsonify(body), fault.status
    return Response(str(body), status=fault.status, mimetype=mimetype)


def _twilio_error(status: int, code: int, message: str):
    return jsonify(code=code, message=message, more_info=f"https://www.twilio.com/docs/errors/{code}",
                   status=status), status


def sms_blueprint(platform) -> Blueprint:
    bp = Blueprint("simulator_sms", __name__)
    book = lambda: platform.sms  # noqa: E731 - the platform's book is replaced on reset

    @bp.post("/2010-04-01/Accounts/<sid>/Messages.json")
    def twilio_messages(sid):
        failed = _fault_answer(platform, {"code": 20500, "message": "Internal Server Error", "status": 500},
                               "application/json")
        if failed is not None:
            return failed
        auth = request.headers.get("Authorization", "")
        try:
            user, _, token = base64.b64decode(auth.removeprefix("Basic ")).decode().partition(":")
        except ValueError:
            user, token = "", ""
        if not auth.startswith("Basic ") or user != sid or not token:
            return _twilio_error(401, 20003, "Authenticate")
        form = _form()
        to, body = form.get("To", ""), form.get("Body", "")
        if not to:
            return _twilio_error(400, 21604, "A 'To' phone number is required.")
        if not E164.fullmatch(to):
            return _twilio_error(400, 21211, f"Invalid 'To' Phone Number: {to}")
        if not form.get("From") and not form.get("MessagingServiceSid"):
            return _twilio_error(400, 21603, "A 'From' phone number is required.")
        if not body:
            return _twilio_error(400, 21602, "Message body is required.")
        message_sid = "SM" + uuid.uuid4().hex
        book().add("twilio", to, body, message_sid)
        now = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime())
        return jsonify({"sid": message_sid, "account_sid": sid, "to": to, "from": form.get("From"), "body": body,
                        "status": "queued", "messaging_service_sid": form.get("MessagingServiceSid"),
                        "num_segments": "1", "direction": "outbound-api", "date_created": now, "date_updated": now,
                        "date_sent": None, "price": None, "error_code": None, "error_message": None,
                        "api_version": "2010-04-01",
                        "uri": f"/2010-04-01/Accounts/{sid}/Messages/{message_sid}.json"}), 201

    @bp.post("/API21/HTTP/sendSMS.ashx")
    def every8d_send():
        failed = _fault_answer(platform, "-99,系統發生錯誤", "text/plain")
        if failed is not None:
            return failed
        text = lambda line: Response(line, mimetype="text/plain")  # noqa: E731
        try:
            form = _form("utf-8")
        except UnicodeDecodeError:
            return text("-99,MSG 必須以 UTF-8 編碼")
        if not form.get("UID") or not form.get("PWD"):
            return text("-99,帳號或密碼錯誤")
        if not form.get("MSG"):
            return text("-99,簡訊內容不得為空白")
        dests = [d.strip() for d in form.get("DEST", "").split(",") if d.strip()]
        if not dests or not all(TAIWAN_MOBILE.fullmatch(d) or E164.fullmatch(d) for d in dests):
            return text("-99,手機號碼格式錯誤")
        batch = str(uuid.uuid4())
        for dest in dests:
            book().add("every8d", dest, form["MSG"], batch)
        return text(f"{1000 - len(book().all())}.0,{len(dests)},{len(dests)}.0,0,{batch}")

    @bp.post("/api/mtk/SmSend")
    def mitake_send():
        failed = _fault_answer(platform, "[1]\r\nstatuscode=*\r\nError=系統發生錯誤\r\n", "text/plain")
        if failed is not None:
            return failed
        charset = "utf-8" if request.args.get("CharsetURL", "").upper().replace("-", "") == "UTF8" else "big5"
        answer = lambda **fields: Response(  # noqa: E731
            ("[1]\r\n" + "".join(f"{k}={v}\r\n" for k, v in fields.items())).encode(charset),
            content_type=f"text/plain; charset={charset}")
        try:
            form = _form(charset)
        except UnicodeDecodeError:
            return answer(statuscode="y", Error="參數錯誤（編碼與 CharsetURL 不符）")
        if not form.get("username") or not form.get("password"):
            return answer(statuscode="e", Error="帳號、密碼錯誤")
        if not form.get("smbody"):
            return answer(statuscode="u", Error="簡訊內容不得為空白")
        dstaddr = form.get("dstaddr", "")
        if not (re.fullmatch(r"09\d{8}", dstaddr) or re.fullmatch(r"[1-9]\d{7,14}", dstaddr)):
            return answer(statuscode="v", Error="無效的手機號碼")
        client_id = form.get("clientid", "")
        earlier = book().mitake_seen(client_id) if client_id else None
        if earlier:
            return answer(msgid=earlier, statuscode=MITAKE_TAKEN, AccountPoint=1000 - len(book().all()),
                          Duplicate="Y")
        msgid = f"#{uuid.uuid4().int % 10**10:010d}"
        book().add("mitake", dstaddr, form["smbody"], msgid)
        if client_id:
            book().mitake_remember(client_id, msgid)
        return answer(msgid=msgid, statuscode=MITAKE_TAKEN, AccountPoint=1000 - len(book().all()))

    @bp.post("/__sim/sms/console")
    def console_send():
        failed = _fault_answer(platform, {"error": "fault"}, "application/json")
        if failed is not None:
            return failed
        body = request.get_json(silent=True) or {}
        if not body.get("to") or not body.get("text"):
            return jsonify(error="to and text are required"), 400
        sms = book().add("console", str(body["to"]), str(body["text"]), str(body.get("reference", "")))
        return jsonify(asdict(sms)), 201

    @bp.get("/__sim/sms")
    def sent():
        return jsonify(sms=[asdict(s) for s in book().all()])

    @bp.delete("/__sim/sms")
    def forget():
        platform.sms = SmsBook()
        return jsonify({})

    @bp.get("/__sim/sms/page")
    def page():
        rows = "".join(f"<tr><td>{escape(s.provider)}</td><td>{escape(s.to)}</td><td>{escape(s.text)}</td>"
                       f"<td>{time.strftime('%H:%M:%S', time.localtime(s.at))}</td></tr>"
                       for s in reversed(book().all()))
        html = ("<!doctype html><html lang='en'><head><meta charset='utf-8'><title>SMS sent</title>"
                "<meta http-equiv='refresh' content='2'></head><body><h1>SMS sent through the gateways</h1>"
                "<p><a href='/'>Back to the chat</a></p><table border='1' cellpadding='4'>"
                "<tr><th>gateway</th><th>to</th><th>text</th><th>at</th></tr>" + rows + "</table></body></html>")
        return Response(html, mimetype="text/html")

    return bp
