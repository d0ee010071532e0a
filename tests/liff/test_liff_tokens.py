"""Who is asking on the member pages: only an ID token LINE vouches for, for our channel, not expired,
or a session made from one; never a user id the page sends."""
from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest

from bot import liff_auth


def _forge(token: str, **claims) -> str:
    """The same token with its claims changed (the signature no longer fits)."""
    header, payload, signature = token.split(".")
    body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    body.update(claims)
    return f"{header}.{base64.urlsafe_b64encode(json.dumps(body).encode()).rstrip(b'=').decode()}.{signature}"


def test_a_verified_token_reads_that_members_card(client, scene, bearer):
    uid = scene.uid(scene.member(balance=0))
    answer = client.get("/liff/api/card", headers=bearer(uid))
    assert answer.status_code == 200
    assert answer.json["member_code"] == "T00000001"
    assert answer.headers["Cache-Control"] == "no-store"


def test_forged_expired_and_other_channel_tokens_get_401(client, scene, line, id_token):
    uid = scene.uid(scene.member())
    other = scene.uid(scene.member())
    cases = {"invalid": _forge(id_token(uid), sub=other),           # claims changed: LINE refuses it
             "expired": id_token(uid, ttl=-5),                        # LINE says "IdToken expired."
             "audience": id_token(uid, channel="2000000000")}         # another channel's LIFF app
    for reason, token in cases.items():
        answer = client.get("/liff/api/card", headers={"Authorization": "Bearer " + token})
        assert answer.status_code == 401, reason
        assert answer.json == {"error": "unauthorized", "reason": reason}
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_no_token_or_a_made_up_one_gets_401(client, scene):
    scene.member()
    assert client.get("/liff/api/card").json["reason"] == "missing"
    assert client.get("/liff/api/card", headers={"Authorization": "Bearer not-a-token"}).json["reason"] == "invalid"
    assert client.get("/liff/api/card", headers={"Authorization": "Basic abc"}).status_code == 401


def test_a_user_id_the_page_sends_is_ignored(client, scene, bearer):
    mine, theirs = (scene.uid(i) for i in scene.members(2))
    answer = client.get(f"/liff/api/card?user_id={theirs}", headers={**bearer(mine), "X-Line-User-Id": theirs})
    assert answer.json["member_code"] == "T00000001"


def test_a_session_is_made_once_and_then_used_without_asking_line(client, scene, bearer, app, clock):
    uid = scene.uid(scene.member())
    made = client.post("/liff/api/session", headers=bearer(uid)).json
    assert set(made) == {"session", "csrf", "expires"}
    assert made["expires"] - clock.now().timestamp() == 15 * 60  # LIFF_SESSION_MINUTES: short
    assert client.get("/liff/api/wallet", headers={"Authorization": "Bearer " + made["session"]}).status_code == 200
    tampered = made["session"].replace(uid, "U" + "0" * 32)
    assert client.get("/liff/api/wallet", headers={"Authorization": "Bearer " + tampered}).json["reason"] == "invalid"


def test_a_session_ends(app, clock):
    key = app.extensions["bot"].config.SECRET_KEY
    session = liff_auth.make_session(key, "U" + "a" * 32, clock.now(), 15)
    assert liff_auth.read_session(key, session.token, clock.now() + timedelta(minutes=14)).user_id == "U" + "a" * 32
    with pytest.raises(liff_auth.Unauthorized) as refused:
        liff_auth.read_session(key, session.token, clock.now() + timedelta(minutes=15))
    assert refused.value.reason == "expired"
    with pytest.raises(liff_auth.Unauthorized):  # another server's key
        liff_auth.read_session("another-secret-key", session.token, clock.now())


def test_a_friend_who_never_joined_is_told_to_join(client, scene, bearer):
    uid = scene.uid(scene.member(status="friend"))
    answer = client.get("/liff/api/card", headers=bearer(uid))
    assert answer.status_code == 404 and answer.json["error"] == "not_member"


def test_a_form_post_needs_the_sessions_csrf_token(client, scene, bearer):
    uid = scene.uid(scene.member())
    made = client.post("/liff/api/session", headers=bearer(uid)).json
    auth = {"Authorization": "Bearer " + made["session"]}
    refused = client.post("/liff/api/profile", json={"name": "阿美"}, headers=auth)
    assert refused.status_code == 403 and refused.json["error"] == "csrf"
    wrong = client.post("/liff/api/profile", json={"name": "阿美"}, headers={**auth, "X-CSRF-Token": "0" * 64})
    assert wrong.status_code == 403
    ok = client.post("/liff/api/profile", json={"name": "阿美"}, headers={**auth, "X-CSRF-Token": made["csrf"]})
    assert ok.status_code == 200 and ok.json["name"] == "阿美"


def test_what_line_vouches_for_is_checked_again(client, scene, line, clock):
    """Were LINE (or a proxy in the way) to answer 200 for a token of another channel or one already
    expired, the server still refuses it; LINE down is a 401 the page can retry, not a 500."""
    uid = scene.uid(scene.member())
    now = int(clock.now().timestamp())
    claims = {"iss": "https://access.line.me", "sub": uid, "aud": "1000000000", "exp": now + 600, "iat": now}
    auth = {"Authorization": "Bearer any.id.token"}
    for changed, reason in (({"aud": "2000000000"}, "audience"), ({"exp": now - 1}, "expired"),
                            ({"sub": "someone"}, "invalid"), ({"aud": ["1000000000"]}, "audience")):
        line.inject(r"^/oauth2/v2\.1/verify$", 200, body={**claims, **changed})
        assert client.get("/liff/api/card", headers=auth).json["reason"] == reason, changed
    line.inject(r"^/oauth2/v2\.1/verify$", 500)
    assert client.get("/liff/api/card", headers=auth).json == {"error": "unauthorized", "reason": "unavailable"}
    line.inject(r"^/oauth2/v2\.1/verify$", 200, body=claims)
    assert client.get("/liff/api/card", headers=auth).status_code == 200
