"""LINE's account link end to end: the member asks in the chat, the bot has LINE (the simulator) issue
a link token and sends the shop's login link; the shop gets a nonce from the API; LINE's dialog (the
simulator) sends the signed accountLink event to the bot (served over HTTP); the member is linked."""
from __future__ import annotations

import uuid
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import func, select

from api.keys import create_key
from privacy import member_data
from privacy.erasure import erase_member
from rewards import account_links, membership
from rewards.models import AccountLinkRequest, MemberLink

from ..api.live_server import serving
from ..conftest import TEST_SECRET, make_app
from .chat import Chat, words

LOGIN = "https://shop.example.com/login?from=line"


@pytest.fixture
def linking(database_url, simulator_server, line, clock):
    """The bot with an account-link login URL and LINE's dialog at the simulator, served over HTTP so
    the simulator's dialog can post the accountLink event to it; a chat and a shop API key."""
    app = make_app(database_url, simulator_server.url, clock, ACCOUNT_LINK_LOGIN_URL=LOGIN,
                   LINE_ACCESS_URL=simulator_server.url)
    sim_sender = simulator_server.app.extensions["line_simulator"]["sender"]
    before = sim_sender.bot_url, sim_sender.channel_secret
    rt = app.extensions["bot"]
    with rt.db.session() as s:
        _row, key = create_key(s, f"shop-{uuid.uuid4().hex[:6]}", clock.now())
    with serving(app) as url:
        sim_sender.bot_url, sim_sender.channel_secret = url + "/callback", TEST_SECRET
        try:
            yield app, rt, url, {"Authorization": "Bearer " + key}, Chat(app.test_client(), sim_sender, line)
        finally:
            sim_sender.bot_url, sim_sender.channel_secret = before
            app.extensions["inbox_worker"].shutdown()
            rt.db.dispose()


def login_link(messages) -> str:
    uris = [a["uri"] for a in _actions(messages) if a.get("type") == "uri"]
    assert len(uris) == 1, messages
    return uris[0]


def _actions(node):
    if isinstance(node, dict):
        if "uri" in node and node.get("type") == "uri":
            yield node
        for v in node.values():
            yield from _actions(v)
    elif isinstance(node, list):
        for v in node:
            yield from _actions(v)


def ask_and_get_token(chat, uid, words_="連結帳號") -> str:
    link = login_link(chat.say(uid, words_))
    assert link.startswith(LOGIN + "&linkToken=")
    return parse_qs(urlsplit(link).query)["linkToken"][0]


def nonce_for(url, auth, token, customer="C-1001", platform="web"):
    return requests.post(f"{url}/api/v1/account-links/nonces", json={"link_token": token, "platform": platform,
                                                                     "customer_id": customer},
                         headers=auth, timeout=30)


def confirm(dialog_url: str) -> dict:
    """The person confirms in LINE's dialog (the simulator), which sends the bot the event."""
    parts = urlsplit(dialog_url)
    page = requests.get(dialog_url, timeout=30)
    assert page.status_code == 200 and "<form" in page.text
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    answer = requests.post(f"{parts.scheme}://{parts.netloc}{parts.path}", data=query, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()


def linked_customers(rt) -> list[tuple[int, str, str]]:
    with rt.db.session() as s:
        return [tuple(r) for r in s.execute(select(MemberLink.member_id, MemberLink.platform, MemberLink.customer_id))]


def test_chat_token_nonce_dialog_event_linked(linking, line, caplog):
    app, rt, url, auth, chat = linking
    uid = "U" + "a1" * 16
    chat.join(uid)
    token = ask_and_get_token(chat, uid)
    assert line.calls_to(f"/v2/bot/user/{uid}/linkToken", "POST")
    reply = nonce_for(url, auth, token)
    assert reply.status_code == 201, reply.text
    body = reply.json()
    assert body["dialog_url"].startswith(rt.config.LINE_ACCESS_URL + "/dialog/bot/accountLink?")
    assert parse_qs(urlsplit(body["dialog_url"]).query) == {"linkToken": [token], "nonce": [body["nonce"]]}
    again = nonce_for(url, auth, token)
    assert again.status_code == 200 and again.json() == body
    assert nonce_for(url, auth, token, customer="C-OTHER").status_code == 409

    with caplog.at_level("INFO"):
        done = confirm(body["dialog_url"])
    assert done["result"] == "ok" and done["botStatus"] == 200
    with rt.db.session() as s:
        member = membership.by_line_user(s, uid)
        assert account_links.member_for(s, "web", "C-1001").id == member.id
    assert "完成" in words(chat.replies_to({"replyToken": done["replyToken"]})[0])
    assert "C-1001" not in caplog.text and body["nonce"] not in caplog.text  # logged without personal data
    assert "account link event: linked" in caplog.text

    # the nonce is used up: the same dialog again is LINE's failed event (the token too), nothing changes
    assert confirm(body["dialog_url"])["result"] == "failed"
    assert nonce_for(url, auth, token).status_code == 409
    assert linked_customers(rt) == [(member.id, "web", "C-1001")]


def test_in_english_by_words_or_by_a_tap(linking):
    _app, _rt, _url, _auth, chat = linking
    uid = "U" + "b2" * 16
    chat.join(uid)
    answer = chat.say(uid, "link my account")
    assert "Log in" in words(answer) and LOGIN in login_link(answer)
    assert LOGIN in login_link(chat.tap(uid, "action=account_link"))


def test_a_nonce_bound_to_another_user_an_unknown_or_expired_nonce_change_nothing(linking, clock):
    _app, rt, url, auth, chat = linking
    owner, other = "U" + "c3" * 16, "U" + "d4" * 16
    chat.join(owner)
    chat.join(other)
    nonce = nonce_for(url, auth, ask_and_get_token(chat, owner)).json()["nonce"]
    # another user's event naming the owner's nonce: nothing linked, the nonce not used up
    assert chat.post(chat.sender.event("accountLink", other, link={"result": "ok", "nonce": nonce})).status_code == 200
    chat.post(chat.sender.event("accountLink", owner, link={"result": "ok", "nonce": "nope-" + "x" * 20}))
    chat.post(chat.sender.event("accountLink", owner, link={"result": "failed", "nonce": nonce}))  # failed: used up
    assert linked_customers(rt) == []
    chat.post(chat.sender.event("accountLink", owner, link={"result": "ok", "nonce": nonce}))
    assert linked_customers(rt) == []
    # a fresh request whose nonce expires before the event
    nonce = nonce_for(url, auth, ask_and_get_token(chat, owner), customer="C-2").json()["nonce"]
    clock.advance(timedelta(minutes=11))
    chat.post(chat.sender.event("accountLink", owner, link={"result": "ok", "nonce": nonce}))
    assert linked_customers(rt) == []
    with rt.db.session() as s:
        outcomes = sorted(s.scalars(select(AccountLinkRequest.outcome)))
    assert outcomes == ["expired", "failed"]


def test_an_expired_or_unknown_link_token_gets_no_nonce(linking, clock):
    _app, _rt, url, auth, chat = linking
    uid = "U" + "e5" * 16
    chat.join(uid)
    token = ask_and_get_token(chat, uid)
    assert nonce_for(url, auth, "no-such-token").status_code == 404
    assert nonce_for(url, auth, token, platform="Not A Platform").status_code == 422
    clock.advance(timedelta(minutes=11))
    assert nonce_for(url, auth, token).status_code == 410


def test_a_friend_who_has_not_joined_is_invited_first(linking, line):
    _app, _rt, _url, _auth, chat = linking
    uid = "U" + "f6" * 16
    chat.follow(uid)
    answer = chat.say(uid, "連結帳號")
    assert not list(_actions(answer)) or all(LOGIN not in a["uri"] for a in _actions(answer))
    assert not line.calls_to(f"/v2/bot/user/{uid}/linkToken", "POST")


def test_erasure_removes_the_links(linking):
    _app, rt, url, auth, chat = linking
    uid = "U" + "a7" * 16
    chat.join(uid)
    body = nonce_for(url, auth, ask_and_get_token(chat, uid)).json()
    confirm(body["dialog_url"])
    assert len(linked_customers(rt)) == 1
    with rt.db.session() as s:  # the member's data export shows it (right of access)
        exported = member_data.export(s, membership.by_line_user(s, uid), rt.clock.now())
    assert [(a["platform"], a["customer_id"]) for a in exported["linked_accounts"]] == [("web", "C-1001")]
    with rt.db.session() as s:
        erase_member(s, membership.by_line_user(s, uid), rt.clock.now())
    with rt.db.session() as s:
        assert s.scalar(select(func.count()).select_from(MemberLink)) == 0
        assert s.scalar(select(func.count()).select_from(AccountLinkRequest)) == 0
