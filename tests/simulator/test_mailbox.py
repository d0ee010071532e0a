"""The simulator's mail page: what the development mail server (its own process, real SMTP) took, as
bin/dev shows it to a developer reading their email code."""
from __future__ import annotations

from messaging.mail.smtp import SmtpMailer
from simulator.app import create_app

from tests.mail_server import mail_server


def test_mails_the_server_took_are_listed_newest_first_with_their_text(tmp_path):
    folder = tmp_path / "mail"
    with mail_server(folder) as server:
        mailer = SmtpMailer("127.0.0.1", server.port, "Shop <no-reply@shop.example>", starttls=False, timeout=5.0)
        mailer.send("first@example.com", "會員驗證碼", "您的驗證碼：123456")
        mailer.send("second@example.com", "Your code", "Your code: 654321")
    client = create_app(mail_dir=folder).test_client()
    listed = client.get("/__sim/mail").get_json()["mail"]
    assert [(m["number"], m["to"], m["subject"]) for m in listed] == [
        (2, "second@example.com", "Your code"), (1, "first@example.com", "會員驗證碼")]
    assert listed[1]["text"].strip() == "您的驗證碼：123456"
    page = client.get("/__sim/mail/page").get_data(as_text=True)
    assert "您的驗證碼：123456" in page and "second@example.com" in page


def test_a_mail_still_being_written_is_not_read_and_no_folder_lists_nothing(tmp_path):
    (tmp_path / ".1.eml").write_bytes(b"Subject: half")  # the server writes a temporary name, then renames
    assert create_app(mail_dir=tmp_path).test_client().get("/__sim/mail").get_json()["mail"] == []
    without = create_app().test_client()
    assert without.get("/__sim/mail").get_json() == {"mail": [], "folder": None}
    assert "--mail-dir" in without.get("/__sim/mail/page").get_data(as_text=True)
