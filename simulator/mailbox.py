"""The mails the development mail server took (simulator/mail_server.py writes each as `<n>.eml` in a
folder), read back for people: GET /__sim/mail (JSON, newest first) and GET /__sim/mail/page. With no
folder given (`python -m simulator` without --mail-dir) both say so and list nothing."""
from __future__ import annotations

import email
import email.policy
import time
from html import escape
from pathlib import Path

from flask import Blueprint, Response, jsonify


def read_mails(folder: Path | None) -> list[dict]:
    """Each whole mail in the folder, newest first: {number, to, from, subject, text, at}."""
    if folder is None or not folder.is_dir():
        return []
    mails = []
    for path in folder.glob("*.eml"):
        if not path.stem.isdigit():
            continue  # a message still being written is named ".<n>.eml"
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        mails.append({"number": int(path.stem), "to": str(message.get("To", "")),
                      "from": str(message.get("From", "")), "subject": str(message.get("Subject", "")),
                      "text": body.get_content() if body is not None else "", "at": path.stat().st_mtime})
    return sorted(mails, key=lambda mail: mail["number"], reverse=True)


def mail_blueprint(folder: Path | None) -> Blueprint:
    bp = Blueprint("sim_mail", __name__)

    @bp.get("/__sim/mail")
    def mails():
        return jsonify(mail=read_mails(folder), folder=str(folder) if folder else None)

    @bp.get("/__sim/mail/page")
    def page():
        rows = "".join(f"<tr><td>{escape(m['to'])}</td><td>{escape(m['subject'])}</td>"
                       f"<td><pre>{escape(m['text'])}</pre></td>"
                       f"<td>{time.strftime('%H:%M:%S', time.localtime(m['at']))}</td></tr>"
                       for m in read_mails(folder))
        where = (f"<p>Read from <code>{escape(str(folder))}</code>, where the development mail server "
                 "(python -m simulator.mail_server) writes what it takes.</p>" if folder else
                 "<p>No mail folder: start the simulator with --mail-dir (bin/dev does).</p>")
        html = ("<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Mail sent</title>"
                "<meta http-equiv='refresh' content='2'></head><body><h1>Mail sent (email codes)</h1>"
                f"<p><a href='/'>Back to the chat</a></p>{where}<table border='1' cellpadding='4'>"
                "<tr><th>to</th><th>subject</th><th>text</th><th>at</th></tr>" + rows + "</table></body></html>")
        return Response(html, mimetype="text/html")

    return bp
