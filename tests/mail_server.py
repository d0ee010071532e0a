"""The mail server tests send to: simulator/mail_server.py (real SMTP, aiosmtpd) in a process of its
own, its messages read back from its folder. No mock inside the process under test."""
from __future__ import annotations

import email
import email.policy
import json
import re
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from bench.processes import free_port

from tests.processes import wait_until

CODE = re.compile(r"\b(\d{6})\b")


@dataclass(frozen=True)
class Received:
    to: list[str]
    login: str | None
    subject: str
    body: str

    @property
    def code(self) -> str:
        return CODE.search(self.body).group(1)


@dataclass
class MailServer:
    port: int
    folder: Path

    def settings(self, **more) -> dict:
        """The bot's settings that send to this server."""
        return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": self.port, "SMTP_FROM": "Shop <no-reply@shop.example>",
                "SMTP_STARTTLS": "no", "SMTP_TIMEOUT_SECONDS": 5.0, **more}

    def received(self) -> list[Received]:
        found = []
        for eml in sorted(self.folder.glob("[0-9]*.eml"), key=lambda p: int(p.stem)):
            envelope = json.loads(eml.with_suffix(".json").read_text())
            message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
            found.append(Received(envelope["rcpt_tos"], envelope["login"], str(message["Subject"]),
                                  message.get_body(("plain",)).get_content()))
        return found

    def last(self) -> Received:
        return self.received()[-1]


@contextmanager
def mail_server(folder: Path, *args: str) -> Iterator[MailServer]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "simulator.mail_server", "--port", str(port),
                             "--dir", str(folder), *args])
    try:
        wait_until("the mail server", lambda: (folder / "ready").exists() or proc.poll() is not None, 20)
        assert proc.poll() is None, "the mail server did not start"
        yield MailServer(port, folder)
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
