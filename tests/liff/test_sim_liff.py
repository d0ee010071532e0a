"""The simulator's LIFF: ID tokens as LINE Login issues them, its verify endpoint (only its own tokens,
LINE's error answers), liff.line.me opened with the LIFF context, the stand-in SDK, sendMessages."""
from __future__ import annotations

import base64
import json
from urllib.parse import unquote

from simulator.__main__ import main as simulator_main
from simulator.app import create_app
from simulator.liff import LiffApps
from simulator.platform import LinePlatform

USER = "U" + "c" * 32


def _sim(now):
    platform = LinePlatform(clock=lambda: now[0])
    platform.add_user(USER, "小美", "zh-TW")
    platform.liff.register("1000000000-abc", "http://bot.test/liff", "1000000000")
    return platform, create_app(platform).test_client()


def test_verify_answers_as_line_login_does():
    now = [1_800_000_000.0]
    platform, client = _sim(now)
    token = platform.liff.issue(USER, "1000000000", "小美")
    good = client.post("/oauth2/v2.1/verify", data={"id_token": token, "client_id": "1000000000"})
    assert good.status_code == 200
    assert {k: good.json[k] for k in ("iss", "sub", "aud", "exp", "iat")} == {
        "iss": "https://access.line.me", "sub": USER, "aud": "1000000000", "exp": 1_800_003_600, "iat": 1_800_000_000}

    def refusal(token, client_id="1000000000"):
        answer = client.post("/oauth2/v2.1/verify", data={"id_token": token, "client_id": client_id})
        assert answer.status_code == 400 and answer.json["error"] == "invalid_request"
        return answer.json["error_description"]

    assert refusal(token, "2000000000") == "Invalid IdToken Audience."
    assert refusal(LiffApps(lambda: now[0]).issue(USER, "1000000000")) == "Invalid IdToken."  # another issuer's
    assert refusal(token[:-2] + "xx") == "Invalid IdToken."
    assert refusal("a.b") == "Invalid IdToken."
    now[0] += 3600
    assert refusal(token) == "IdToken expired."
    assert client.post("/oauth2/v2.1/verify", data={"id_token": token}).status_code == 400


def test_liff_line_me_opens_the_endpoint_with_the_liff_context():
    now = [1_800_000_000.0]
    platform, client = _sim(now)
    opened = client.get(f"/__sim/liff/open/1000000000-abc/wallet?user={USER}")
    assert opened.status_code == 302
    target, _, fragment = opened.headers["Location"].partition("#liff.sim=")
    assert target == "http://bot.test/liff/wallet"
    packed = unquote(fragment)
    context = json.loads(base64.urlsafe_b64decode(packed + "=" * (-len(packed) % 4)))
    assert context["userId"] == USER and context["liffId"] == "1000000000-abc"
    assert platform.liff.verify(context["idToken"], "1000000000")[0] == 200
    assert client.get(f"/__sim/liff/open/nope?user={USER}").status_code == 404
    assert client.get("/__sim/liff/open/1000000000-abc?user=Unobody").status_code == 400


def test_the_stand_in_sdk_and_send_messages():
    now = [1_800_000_000.0]
    platform, client = _sim(now)
    sdk = client.get("/__sim/liff/sdk.js")
    assert sdk.status_code == 200 and sdk.mimetype == "application/javascript"
    for method in ("init", "isLoggedIn", "getProfile", "getIDToken", "closeWindow", "sendMessages"):
        assert f"{method}: function" in sdk.get_data(as_text=True)
    token = platform.liff.issue(USER, "1000000000")
    sent = client.post("/__sim/liff/messages", json={"idToken": token, "messages": [{"type": "text", "text": "驗證手機"}]})
    assert sent.status_code == 200 and sent.headers["Access-Control-Allow-Origin"] == "*"
    assert client.post("/__sim/liff/messages", json={"idToken": "forged", "messages": [{"type": "text", "text": "x"}]}
                       ).status_code == 401


def test_the_command_line_registers_a_liff_app(capsys):
    import pytest

    with pytest.raises(SystemExit):
        simulator_main(["--liff", "no-endpoint"])
    assert "LIFF_ID=ENDPOINT_URL@CHANNEL_ID" in capsys.readouterr().err
