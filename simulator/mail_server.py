"""A mail server for development and tests: real SMTP (aiosmtpd, requirements-dev.txt) on a port of
its own, each message it takes written to a folder as `<n>.eml` (the message as received) beside
`<n>.json` ({mail_from, rcpt_tos, login}); `ready` is written once it listens.

    python -m simulator.mail_server --port 8025 --dir instance/mail [--user U --password P]
                                    [--refuse-domain bounce.example]

With --user, AUTH (PLAIN or LOGIN, over plain SMTP: this server has no TLS) is required and only
that user and password pass. A recipient at --refuse-domain is refused with 550, as a real server
refuses an unknown mailbox. The bot talks to it with SMTP_HOST=127.0.0.1, SMTP_PORT=8025,
SMTP_STARTTLS=no.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import signal
import threading
import warnings
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Folder:
    """Writes each message whole (a temporary name, then renamed), numbered in arrival order."""

    def __init__(self, folder: Path, refuse_domain: str = ""):
        self.folder, self.refuse_domain = folder, refuse_domain.lower()
        self.numbers = itertools.count(1)
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's name
        if self.refuse_domain and address.lower().endswith("@" + self.refuse_domain):
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        with self.lock:
            number = next(self.numbers)
        login = session.auth_data if isinstance(session.auth_data, str) else None
        for suffix, data in ((".json", json.dumps({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                                                   "login": login}).encode()),
                             (".eml", envelope.original_content or envelope.content)):
            temporary = self.folder / f".{number}{suffix}"
            temporary.write_bytes(data)
            os.replace(temporary, self.folder / f"{number}{suffix}")
        return "250 Message accepted for delivery"


def authenticator(user: str, password: str):
    def check(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user \
            and auth_data.password.decode() == password
        return AuthResult(success=True, auth_data=user) if ok else AuthResult(success=False, handled=False)
    return check


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--dir", required=True, type=Path)
    parser.add_argument("--user", default="")
    parser.add_argument("--password", default="")
    parser.add_argument("--refuse-domain", default="")
    args = parser.parse_args(argv)
    args.dir.mkdir(parents=True, exist_ok=True)
    warnings.filterwarnings("ignore", "Requiring AUTH while not requiring TLS")  # on purpose: no TLS here
    auth = {"authenticator": authenticator(args.user, args.password), "auth_required": True,
            "auth_require_tls": False} if args.user else {}
    controller = Controller(Folder(args.dir, args.refuse_domain), hostname=args.host, port=args.port, **auth)
    controller.start()
    (args.dir / "ready").write_text(str(args.port))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    controller.stop()


if __name__ == "__main__":
    main()
