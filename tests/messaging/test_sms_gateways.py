"""Each SMS adapter's real HTTP code against the simulator's gateways: what they send, how they read
the answers, refusals and failures (faults injected over HTTP), read back over HTTP."""
from __future__ import annotations

import json
import urllib.request

import pytest

from core.config import Config, ConfigError
from core.phones import parse
from messaging.sms.base import SmsError
from messaging.sms.choice import gateway_from
from messaging.sms.console import Console
from messaging.sms.every8d import Every8d
from messaging.sms.mitake import Mitake
from messaging.sms.twilio_gateway import Twilio

PHONE = parse("0912-345-678")
TEXT = "您的驗證碼 123456，10 分鐘內有效。"


def http(url: str, method: str = "GET", body: dict | None = None) -> dict:
    request = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body else None,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read() or b"{}")


def texts(sim) -> list[dict]:
    return http(sim.url + "/__sim/sms")["sms"]


def fail_next(sim, path_regex: str, status: int, body=None) -> None:
    http(sim.url + "/__sim/faults", "POST", {"path_regex": path_regex, "status": status, "body": body})


@pytest.fixture
def sim(simulator_server, line):
    http(simulator_server.url + "/__sim/sms", "DELETE")
    return simulator_server


def gateways(sim):
    return {"twilio": Twilio("AC" + "1" * 32, "token", "+15005550006", sim.url, timeout=5),
            "every8d": Every8d("uid", "pwd", sim.url, timeout=5),
            "mitake": Mitake("user", "pwd", sim.url, timeout=5),
            "console": Console(sim.url, timeout=5)}


@pytest.mark.parametrize("name, to", [("twilio", "+886912345678"), ("every8d", "0912345678"),
                                      ("mitake", "0912345678"), ("console", "+886912345678")])
def test_each_gateway_delivers_the_text_in_its_own_format(sim, name, to):
    sent = gateways(sim)[name].send(PHONE, TEXT, "code-1")
    [sms] = texts(sim)
    assert (sms["provider"], sms["to"], sms["text"]) == (name, to, TEXT)
    assert sent.reference and sent.reference == sms["reference"] or name == "console"
    with urllib.request.urlopen(sim.url + "/__sim/sms/page", timeout=5) as page:  # what a developer reads
        assert TEXT in page.read().decode()


def test_mitake_reads_big5_when_no_charset_is_named(sim):
    body = "username=u&password=p&dstaddr=0912345678&smbody=" + "".join(f"%{b:02X}" for b in "驗證碼".encode("big5"))
    request = urllib.request.Request(sim.url + "/api/mtk/SmSend", data=body.encode(), method="POST")
    with urllib.request.urlopen(request, timeout=5) as response:
        answer = response.read().decode("big5")
    assert "statuscode=1" in answer and texts(sim)[0]["text"] == "驗證碼"


@pytest.mark.parametrize("name, path, status, body", [
    ("twilio", "Messages.json", 500, None),
    ("every8d", "sendSMS", 200, "-99,帳號或密碼錯誤"),
    ("every8d", "sendSMS", 503, None),
    ("mitake", "SmSend", 200, "[1]\r\nstatuscode=e\r\nError=帳號、密碼錯誤\r\n"),
    ("mitake", "SmSend", 500, None),
    ("console", "sms/console", 500, None),
])
def test_a_gateway_that_refuses_or_fails_raises_sms_error_and_sends_nothing(sim, name, path, status, body):
    fail_next(sim, path, status, body)
    with pytest.raises(SmsError) as caught:
        gateways(sim)[name].send(PHONE, TEXT, "code-2")
    assert "0912" not in str(caught.value) and "123456" not in str(caught.value)
    assert texts(sim) == []


def test_bad_credentials_are_refused_the_way_each_gateway_does(sim):
    for gateway in (Twilio("AC" + "1" * 32, "", "+15005550006", sim.url), Every8d("", "", sim.url),
                    Mitake("", "", sim.url)):
        with pytest.raises(SmsError):
            gateway.send(PHONE, TEXT, "code-3")
    assert texts(sim) == []


def test_mitake_sends_a_clientid_once(sim):
    mitake = gateways(sim)["mitake"]
    first = mitake.send(PHONE, TEXT, "code-4")
    again = mitake.send(PHONE, TEXT, "code-4")
    assert first == again and len(texts(sim)) == 1


def test_an_unreachable_gateway_is_an_sms_error():
    with pytest.raises(SmsError):
        Every8d("uid", "pwd", "http://127.0.0.1:9", timeout=1).send(PHONE, TEXT, "code-5")


def test_sms_provider_is_chosen_and_checked_by_the_configuration():
    prod = {"BOT_ENV": "production", "LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t",
            "SECRET_KEY": "k" * 40, "BOT_PUBLIC_URL": "https://bot.example.com"}
    with pytest.raises(ConfigError, match="console"):
        Config.from_env({**prod, "SMS_PROVIDER": "console"})
    with pytest.raises(ConfigError, match="MITAKE_PASSWORD"):
        Config.from_env({**prod, "SMS_PROVIDER": "mitake", "MITAKE_USERNAME": "u"})
    with pytest.raises(ConfigError, match="SMS_PROVIDER"):
        Config.from_env({"BOT_ENV": "development", "SMS_PROVIDER": "carrier-pigeon"})
    with pytest.raises(ConfigError, match="TWILIO_AUTH_TOKEN"):  # development too: no half-configured gateway
        Config.from_env({"BOT_ENV": "development", "SMS_PROVIDER": "twilio", "TWILIO_ACCOUNT_SID": "AC1"})
    assert gateway_from(Config.from_env(prod)) is None
    assert gateway_from(Config.from_env({**prod, "SMS_PROVIDER": "every8d", "EVERY8D_UID": "u",
                                         "EVERY8D_PASSWORD": "p"})).name == "every8d"
    assert gateway_from(Config.from_env({"BOT_ENV": "development"})).name == "console"


def test_a_code_goes_to_the_gateway_once_and_its_sending_is_recorded(sim, db, clock):
    from messaging.sms import delivery
    from rewards import membership, phone_verification as pv
    from rewards.models import PhoneCode

    gateway, now = gateways(sim)["every8d"], clock.now()
    with db.session() as s:
        member = membership.get_or_create(s, "U" + "6" * 32, now, "zh-TW")
        issued = pv.issue(s, member, "0912345678", now, pv.Policy(), pv.code_key("k"))
        assert delivery.send_code(s, gateway, issued, TEXT, now, member.id)
        assert delivery.send_code(s, gateway, issued, TEXT, now, member.id)  # a retry: already sent
        row = s.get(PhoneCode, issued.code_id)
        assert (row.status, row.provider, row.sent_at is not None) == ("sent", "every8d", True)
        assert row.provider_ref == texts(sim)[0]["reference"]
    assert len(texts(sim)) == 1


def test_a_failed_send_is_recorded_as_failed(sim, db, clock):
    from messaging.sms import delivery
    from rewards import membership, phone_verification as pv
    from rewards.models import PhoneCode

    fail_next(sim, "SmSend", 200, "[1]\r\nstatuscode=*\r\nError=系統發生錯誤\r\n")
    with db.session() as s:
        member = membership.get_or_create(s, "U" + "6" * 31 + "b", clock.now(), "zh-TW")
        issued = pv.issue(s, member, "0912345678", clock.now(), pv.Policy(), pv.code_key("k"))
        assert not delivery.send_code(s, gateways(sim)["mitake"], issued, TEXT, clock.now(), member.id)
        assert s.get(PhoneCode, issued.code_id).status == "failed"
    assert texts(sim) == []
