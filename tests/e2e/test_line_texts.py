"""Text from LINE is cleaned by one rule where it enters (core.text_checks.clean_text): a display
name is one line with no control or bidi characters, stored and echoed so; a message keeps its line
breaks but loses NUL and the other control characters; postback data and parameters are single
lines. PostgreSQL refuses NUL in text: none reaches it."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from core.models import InboxEvent
from messaging.models import UnansweredMessage
from rewards.models import Member

UID = "U" + "b2" * 16


def member(app) -> Member | None:
    with app.extensions["bot"].db.session() as s:
        return s.scalars(select(Member).where(Member.line_user_id == UID)).one_or_none()


@pytest.mark.parametrize("typed, shown", [("小\x00明", "小明"), ("\x07Amy\x07", "Amy"),
                                          ("\u202eevil\u202c Bob", "evil Bob"), ("A\nB\tC", "A B C"),
                                          ("\x00", None)])
def test_a_display_name_is_cleaned_before_it_is_stored_or_echoed(app, chat, line, typed, shown):
    line.add_user(UID, typed, "zh-TW")
    welcome = chat.join(UID)
    joined = member(app)
    assert joined is not None and joined.status == "member"  # joining works, whatever the name held
    assert joined.display_name == shown
    echoed = json.dumps(welcome, ensure_ascii=False)
    assert "抱歉" not in echoed  # not the fallback of a failed handler
    assert not any(c in echoed for c in "\x00\x07\u202e\u202c")
    if shown:
        assert shown in echoed


def test_a_message_with_nul_is_understood_and_stored_without_it(app, chat, line):
    line.add_user(UID, "小明", "zh-TW")
    chat.join(UID)
    assert "點" in chat.say(UID, "點\x00數")[0]["text"]  # the points question, NUL and all
    nonsense = chat.say(UID, "zq\x00xv\x07 wk\n第二行")
    assert nonsense and "抱歉" not in json.dumps(nonsense, ensure_ascii=False)
    with app.extensions["bot"].db.session() as s:
        kept = list(s.scalars(select(UnansweredMessage.text)))
        statuses = set(s.scalars(select(InboxEvent.status)))
    assert kept == ["zqxv wk\n第二行"]  # the line break stays
    assert statuses == {"done"}


def test_postback_data_and_parameters_with_nul_are_single_lines(app, chat, line):
    from bot.events import Incoming

    line.add_user(UID, "小明", "zh-TW")
    chat.follow(UID)
    chat.tap(UID, "action=jo\x00in")
    assert member(app).status == "member"
    event = chat.sender.postback(UID, "action=x&note=a%00b%0Ac", params={"date": "2026-01-\x0001"})
    incoming = Incoming.from_json(event)
    assert incoming.postback_data == {"action": "x", "note": "ab c"} and incoming.postback_params == {"date": "2026-01-01"}


def test_an_event_from_a_user_id_with_nul_loses_only_itself(app, client, sender):
    good = sender.text("U" + "4" * 32, "點數")
    odd = sender.text("U" + "5" * 31 + "\x00", "點數")
    body = sender.body([odd, good])
    response = client.post("/callback", data=body, headers={"X-Line-Signature": sender.sign(body)},
                           content_type="application/json")
    assert response.status_code == 200
    with app.extensions["bot"].db.session() as s:
        assert list(s.scalars(select(InboxEvent.webhook_event_id))) == [good["webhookEventId"]]
