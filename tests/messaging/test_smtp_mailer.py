"""The SMTP adapter (messaging/mail/smtp.py) against a real SMTP server in its own process."""
from __future__ import annotations

import pytest

from bench.processes import free_port
from core.config import Config
from messaging.mail.smtp import MailError, SmtpMailer, mailer_from

from tests.mail_server import mail_server


@pytest.fixture
def server(tmp_path):
    with mail_server(tmp_path / "mail", "--user", "bot", "--password", "s3cret", "--refuse-domain",
                     "bounce.example") as running:
        yield running


def mailer(server, **kw) -> SmtpMailer:
    options = {"user": "bot", "password": "s3cret", "starttls": False, "timeout": 5.0, **kw}
    return SmtpMailer("127.0.0.1", server.port, "Shop <no-reply@shop.example>", **options)


def test_a_mail_reaches_the_server_with_its_login_subject_and_text(server):
    sent = mailer(server).send("jon@example.com", "會員驗證碼 123456", "您的驗證碼：123456")
    got = server.received()
    assert len(got) == 1
    assert (got[0].to, got[0].login, got[0].subject) == (["jon@example.com"], "bot", "會員驗證碼 123456")
    assert got[0].body.strip() == "您的驗證碼：123456"
    assert sent.reference.endswith("@shop.example")


@pytest.mark.parametrize("kw, to, why", [
    ({"password": "wrong"}, "jon@example.com", "refused: 535"),
    ({}, "nobody@bounce.example", "refused the recipient"),
    ({"starttls": True}, "jon@example.com", "unreachable: SMTPNotSupportedError"),
])
def test_a_refusal_is_a_mail_error_that_names_no_address(server, kw, to, why):
    with pytest.raises(MailError) as refused:
        mailer(server, **kw).send(to, "subject", "text 123456")
    assert why in str(refused.value) and to not in str(refused.value) and "123456" not in str(refused.value)
    assert server.received() == []


def test_a_server_that_does_not_answer_is_a_mail_error():
    with pytest.raises(MailError, match="unreachable"):
        SmtpMailer("127.0.0.1", free_port(), "no-reply@shop.example", timeout=2.0).send("a@b.example", "s", "t")


def test_the_settings_make_the_mailer_or_none():
    assert mailer_from(Config.from_env({}, BOT_ENV="test")) is None
    made = mailer_from(Config.from_env({}, BOT_ENV="test", SMTP_HOST="smtp.example.com", SMTP_FROM="a@shop.example",
                                       SMTP_USER="u", SMTP_PASSWORD="p"))
    assert (made.host, made.port, made.starttls, made.user) == ("smtp.example.com", 587, True, "u")


@pytest.mark.parametrize("settings, words", [({"SMTP_HOST": "smtp.example.com"}, "SMTP_FROM"),
                                             ({"SMTP_STARTTLS": "maybe"}, "SMTP_STARTTLS")])
def test_bad_smtp_settings_stop_the_start(settings, words):
    from core.config import ConfigError
    with pytest.raises(ConfigError, match=words):
        Config.from_env({}, BOT_ENV="test", **settings)
