"""Sending a plain-text email over SMTP (Python's smtplib): STARTTLS when SMTP_STARTTLS says so (the
usual port 587), a login when SMTP_USER is set. Every failure is MailError, whose message never holds
the address or the text (only the kind of failure and the server's status code)."""
from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid, parseaddr

from core.config import Config


class MailError(RuntimeError):
    """The server did not take the message (refused, unreachable, a login refused)."""


@dataclass(frozen=True)
class Sent:
    reference: str  # the Message-ID the mail went with


class SmtpMailer:
    name = "smtp"

    def __init__(self, host: str, port: int, sender: str, user: str = "", password: str = "",
                 starttls: bool = True, timeout: float = 10.0):
        self.host, self.port, self.sender = host, port, sender
        self.user, self.password, self.starttls, self.timeout = user, password, starttls, timeout

    def send(self, to: str, subject: str, text: str) -> Sent:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, to, subject
        message["Message-ID"] = make_msgid(domain=parseaddr(self.sender)[1].rpartition("@")[2] or None)
        message.set_content(text)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.user:
                    smtp.login(self.user, self.password)
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused:
            raise MailError("the mail server refused the recipient") from None
        except smtplib.SMTPResponseException as exc:
            raise MailError(f"the mail server refused: {exc.smtp_code}") from None
        except (smtplib.SMTPException, OSError) as exc:
            raise MailError(f"mail server unreachable: {type(exc).__name__}") from None
        return Sent(message["Message-ID"].strip("<>")[:64])


def mailer_from(config: Config) -> SmtpMailer | None:
    """None when SMTP_HOST is unset (email verification is not offered)."""
    if not config.SMTP_HOST:
        return None
    return SmtpMailer(config.SMTP_HOST, config.SMTP_PORT, config.SMTP_FROM, config.SMTP_USER, config.SMTP_PASSWORD,
                      config.smtp_starttls(), config.SMTP_TIMEOUT_SECONDS)
