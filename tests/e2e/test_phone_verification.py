"""Phone verification through signed webhooks, with each SMS gateway's real adapter talking to the
simulator's gateway over HTTP; the code is read from what the simulator received (GET /__sim/sms)."""
from __future__ import annotations

import json
import re
import urllib.request
from datetime import timedelta

import pytest

from tests.conftest import make_app

from .chat import postback_datas, words

PROVIDERS = {
    "twilio": {"TWILIO_ACCOUNT_SID": "AC" + "0" * 32, "TWILIO_AUTH_TOKEN": "tok", "TWILIO_FROM": "+15005550006"},
    "every8d": {"EVERY8D_UID": "shop", "EVERY8D_PASSWORD": "pw"},
    "mitake": {"MITAKE_USERNAME": "shop", "MITAKE_PASSWORD": "pw"},
    "console": {},
}
ZH, EN, OTHER = "U" + "5" * 31 + "a", "U" + "5" * 31 + "b", "U" + "5" * 31 + "c"


def http(url: str, method: str = "GET", body: dict | None = None) -> dict:
    request = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body else None,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read() or b"{}")


class Gateway:
    """The simulator's SMS side, over HTTP as any other process would see it."""

    def __init__(self, url: str):
        self.url = url
        http(url + "/__sim/sms", "DELETE")

    def texts(self) -> list[dict]:
        return http(self.url + "/__sim/sms")["sms"]

    def last_code(self) -> str:
        return re.search(r"\d{6}", self.texts()[-1]["text"]).group()

    def fail_next(self, path_regex: str, status: int, body=None) -> None:
        http(self.url + "/__sim/faults", "POST", {"path_regex": path_regex, "status": status, "body": body})


def app_with(provider, database_url, simulator_server, clock, **extra):
    settings = {"SMS_PROVIDER": provider, "SMS_BASE_URL": simulator_server.url, **PROVIDERS[provider], **extra}
    return make_app(database_url, simulator_server.url, clock, **settings)


@pytest.fixture(params=list(PROVIDERS))
def provider(request):
    return request.param


@pytest.fixture
def app(provider, database_url, simulator_server, line, clock):
    application = app_with(provider, database_url, simulator_server, clock)
    yield application
    application.extensions["inbox_worker"].shutdown()
    application.extensions["bot"].db.dispose()


@pytest.fixture
def sms(simulator_server, line):
    return Gateway(simulator_server.url)


def member_of(app, uid):
    from rewards import membership
    with app.extensions["bot"].db.session() as s:
        member = membership.by_line_user(s, uid)
        s.expunge(member)
        return member


def test_verify_in_words_type_the_number_then_the_code(chat, sms, app, provider, line):
    line.add_user(EN, "Amy", "en")
    chat.join(ZH)
    chat.join(EN)
    assert "手機號碼" in words(chat.say(ZH, "綁定手機"))
    sent = words(chat.say(ZH, "0912 345 678"))
    assert "0912-***-678" in sent
    [text] = sms.texts()
    assert text["provider"] == provider and text["to"] in ("+886912345678", "0912345678")
    assert "驗證碼" in text["text"]
    assert "驗證完成" in words(chat.say(ZH, sms.last_code()))
    member = member_of(app, ZH)
    assert member.phone == "+886912345678" and member.phone_verified_at is not None
    # in English, from the member card's button
    card = chat.say(EN, "member card")
    assert "Verify phone" in words(card)
    tap = next(d for d in postback_datas(card) if "action=verify_phone" in d)
    assert "mobile number" in words(chat.tap(EN, tap))
    assert "0933-***-444" in words(chat.say(EN, "+886 933 333 444"))
    assert "verified" in words(chat.say(EN, sms.last_code()))
    # the card now shows the number masked, for the till
    assert "0933-***-444" in words(chat.say(EN, "member card"))
    assert "0912-***-678" in words(chat.say(ZH, "會員卡"))


def test_refusals_each_say_why_and_change_nothing(chat, sms, app, clock):
    chat.join(ZH)
    chat.say(ZH, "verify my phone")
    assert "市話" in words(chat.say(ZH, "02-2345-6789"))
    assert "台灣" in words(chat.say(ZH, "+81 90 1234 5678"))
    assert "不是手機號碼" in words(chat.say(ZH, "我的電話是幾號"))
    assert sms.texts() == []
    chat.say(ZH, "0912-345-678")
    code = sms.last_code()
    wrong = "000000" if code != "000000" else "111111"
    assert "4 次" in words(chat.say(ZH, wrong))
    assert "6 位數" in words(chat.say(ZH, "12345"))
    tooearly = words(chat.tap(ZH, "action=phone_resend"))
    assert "秒後" in tooearly and len(sms.texts()) == 1
    clock.set(clock.now() + timedelta(minutes=11))
    assert "過期" in words(chat.say(ZH, code))
    assert "點數" in words(chat.say(ZH, "點數"))  # a plain request still answered while waiting
    chat.tap(ZH, "action=phone_resend")
    assert len(sms.texts()) == 2
    new_code = sms.last_code()
    assert "驗證完成" in words(chat.say(ZH, new_code))
    assert "已經用過" in words(chat.say(ZH, new_code))
    assert member_of(app, ZH).phone == "+886912345678"


def test_guessing_five_times_kills_the_code(chat, sms, app):
    chat.join(ZH)
    chat.say(ZH, "驗證手機號碼")
    chat.say(ZH, "0912345678")
    code = sms.last_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(4):
        chat.say(ZH, wrong)
    assert "失效" in words(chat.say(ZH, wrong))
    assert "失效" in words(chat.say(ZH, code))
    assert member_of(app, ZH).phone_verified_at is None


def test_a_number_another_member_verified_offers_a_person(chat, sms, app, clock):
    chat.join(ZH)
    chat.join(OTHER)
    for uid in (ZH, OTHER):
        chat.say(uid, "綁定手機")
        chat.say(uid, "0912-345-678")
        answer = chat.say(uid, sms.last_code())
        clock.set(clock.now() + timedelta(seconds=61))
    assert "另一位會員" in words(answer)
    [reply] = answer[0]["quickReply"]["items"]
    assert "客服" in words(chat.say(OTHER, reply["action"]["text"]))  # handed to a person
    assert member_of(app, OTHER).phone is None


def test_cancel_words_get_the_member_out(chat, sms, app):
    chat.join(ZH)
    chat.say(ZH, "add my phone number")
    assert "取消" in words(chat.say(ZH, "取消"))
    assert "不是手機號碼" not in words(chat.say(ZH, "hello"))
    chat.say(ZH, "綁定手機")
    chat.say(ZH, "0912345678")
    assert "stopped" in words(chat.say(ZH, "cancel"))  # the answer follows the message's language
    assert member_of(app, ZH).phone is None


def test_too_many_codes_a_day_for_one_member(chat, sms, app, clock):
    chat.join(ZH)
    for i in range(5):
        chat.say(ZH, "綁定手機")
        chat.say(ZH, f"09123456{i:02d}")
        clock.set(clock.now() + timedelta(seconds=61))
    chat.say(ZH, "綁定手機")
    assert "太多次" in words(chat.say(ZH, "0922-000-111"))
    assert len(sms.texts()) == 5


def test_a_gateway_failure_says_try_later_and_loses_nothing(chat, sms, app, provider):
    chat.join(ZH)
    chat.say(ZH, "綁定手機")
    path = {"twilio": "Messages.json", "every8d": "sendSMS", "mitake": "SmSend", "console": "sms/console"}[provider]
    sms.fail_next(path, 503)
    answer = words(chat.say(ZH, "0912-345-678"))
    assert "稍後再試" in answer and sms.texts() == []
    # the same number again at once: the failed try blocks nothing and counts for nothing
    data = next(d for d in postback_datas(chat.say(ZH, "0912-345-678")) if "phone_resend" in d)
    assert data and len(sms.texts()) == 1
    assert "驗證完成" in words(chat.say(ZH, sms.last_code()))


def test_foreign_numbers_when_the_setting_allows_them(database_url, simulator_server, line, clock, sender):
    from .chat import Chat
    application = app_with("console", database_url, simulator_server, clock, PHONE_ALLOW_FOREIGN="yes")
    try:
        chat, sms = Chat(application.test_client(), sender, line), Gateway(simulator_server.url)
        chat.join(ZH)
        chat.say(ZH, "綁定手機")
        chat.say(ZH, "+81 90 1234 5678")
        assert sms.texts()[0]["to"] == "+819012345678"
        assert "驗證完成" in words(chat.say(ZH, sms.last_code()))
    finally:
        application.extensions["inbox_worker"].shutdown()
        application.extensions["bot"].db.dispose()


@pytest.mark.parametrize("provider", ["console"], indirect=True)
def test_verifying_the_number_of_a_membership_moved_in_brings_it_over(chat, sms, app, clock):
    from rewards.member_imports import csv_rows, import_members

    rt = app.extensions["bot"]
    header = "external_id,name,phone,email,birthday,balance,tier,tier_until,joined_at,marketing_consent\n"
    import_members(rt.db.run, "oldcard", csv_rows(header + "A1,王小明,0912-345-678,,,1200,gold,,,1\n"),
                   clock.now(), rt.settings)
    chat.join(ZH)
    chat.say(ZH, "綁定手機")
    chat.say(ZH, "0912345678")
    said = words(chat.say(ZH, sms.last_code()))
    assert "驗證完成" in said and "oldcard" in said and "1,200" in said
    member = member_of(app, ZH)
    assert member.tier == "gold" and member.balance >= 1200  # the welcome gift, if any, on top
