"""Email verification on the profile page (bot/liff_api.py): the code goes by SMTP to a real mail
server in its own process (simulator/mail_server.py), is typed back, and the address is the
member's; refusals in the member's language; no address or code in the logs."""
from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from rewards.models import EmailCode, Member

from ..conftest import make_app
from ..mail_server import mail_server
from .email_steps import EmailSteps


@pytest.fixture
def mail(tmp_path):
    with mail_server(tmp_path / "mail", "--refuse-domain", "bounce.example") as running:
        yield running


@pytest.fixture
def app(database_url, simulator_server, line, clock, mail):
    application = make_app(database_url, simulator_server.url, clock, **mail.settings())
    yield application
    application.extensions["inbox_worker"].shutdown()
    application.extensions["shop_worker"].shutdown()
    application.extensions["bot"].db.dispose()


@pytest.fixture
def steps(client, line, mail):
    return EmailSteps(client, line, mail)


def test_the_mailed_code_verifies_the_address_as_stored_lower_cased(rt, scene, steps, mail, clock, caplog):
    caplog.set_level(logging.DEBUG)
    member_id = scene.member(language="en")
    uid = scene.uid(member_id)
    asked = steps.ask(uid, "  Jon.Doe@Example.COM ")
    assert asked.status_code == 200 and asked.json["masked"] == "j***@example.com"
    got = mail.last()
    assert got.to == ["jon.doe@example.com"] and got.code in got.subject and "10 minutes" in got.body
    verified = steps.type_code(uid, got.code)
    assert verified.status_code == 200
    assert verified.json["email"] == "j***@example.com" and verified.json["email_verified"] is True
    assert "is verified" in verified.json["message"] and verified.json["credited"] == 0
    with rt.db.session() as s:
        member = s.get(Member, member_id)
        assert (member.email, member.email_verified_at) == ("jon.doe@example.com", clock.now())
        assert s.scalar(select(EmailCode.code_hash)) != got.code
    assert steps.client.get("/liff/api/profile", headers=steps.headers(uid)).json["email"] == "j***@example.com"
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "email code for member" in logged
    assert "jon.doe" not in logged.lower() and got.code not in logged


@pytest.mark.parametrize("language, words", [("zh-TW", "驗證碼不正確，還可以再試 4 次"), ("en", "4 tries left")])
def test_a_wrong_code_is_refused_in_the_members_language(scene, steps, mail, language, words):
    uid = scene.uid(scene.member(language=language))
    steps.ask(uid, "amy@example.com")
    answer = steps.type_code(uid, "000000" if mail.last().code != "000000" else "111111")
    assert answer.status_code == 422 and answer.json["code"] == "wrong" and words in answer.json["message"]


@pytest.mark.parametrize("language, words", [("zh-TW", "這個 Email 已由另一位會員驗證"), ("en", "already verified by another member")])
def test_an_address_another_member_verified_cannot_be_verified_again(rt, scene, steps, mail, language, words):
    first = scene.uid(scene.member())
    assert steps.verify(first, "shared@example.com").status_code == 200
    second_id = scene.member(language=language)
    second = scene.uid(second_id)
    answer = steps.verify(second, "SHARED@example.com")
    assert answer.status_code == 422 and answer.json["code"] == "taken" and words in answer.json["message"]
    with rt.db.session() as s:
        assert s.get(Member, second_id).email_verified_at is None


@pytest.mark.parametrize("address, code", [("", "empty"), ("not an address", "invalid")])
def test_a_text_that_is_no_address_gets_its_reason_and_no_mail(scene, steps, mail, address, code):
    uid = scene.uid(scene.member(language="en"))
    answer = steps.ask(uid, address)
    assert answer.status_code == 422 and answer.json["code"] == code and answer.json["message"]
    assert mail.received() == []


def test_a_mail_the_server_refuses_is_a_clear_error_and_counts_against_no_limit(rt, scene, steps, mail, clock):
    from datetime import timedelta
    uid = scene.uid(scene.member(language="en"))
    answer = steps.ask(uid, "nobody@bounce.example")
    assert answer.status_code == 502 and "could not send" in answer.json["message"]
    with rt.db.session() as s:
        assert s.scalars(select(EmailCode.status)).all() == ["failed"]
    clock.advance(timedelta(seconds=1))
    assert steps.ask(uid, "amy@example.com").status_code == 200  # no wait after a failed send
    assert mail.last().to == ["amy@example.com"]


def test_without_smtp_email_verification_is_not_offered(database_url, simulator_server, line, clock, scene):
    bare = make_app(database_url, simulator_server.url, clock)
    try:
        steps = EmailSteps(bare.test_client(), line, None)
        answer = steps.ask(scene.uid(scene.member(language="en")), "amy@example.com")
        assert answer.status_code == 503 and "not available" in answer.json["message"]
    finally:
        bare.extensions["inbox_worker"].shutdown()
        bare.extensions["shop_worker"].shutdown()
        bare.extensions["bot"].db.dispose()
