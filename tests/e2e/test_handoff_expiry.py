"""A chat handed to staff that runs out with nobody handing it back: the worker's handoff-expiry sweep closes
it and the member is told the bot is back, through the outbox, in their own language, once, as when staff hand
back by hand; a chat that ran out long before the sweep saw it is closed without a word."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.texts import text as text_of
from messaging import handoff
from messaging.models import Handoff
from rewards.models import Outbox
from worker.runner import run_due

from .chat import words
from .test_conversation import EN, ZH, app, members  # noqa: F401 - the same app (HANDOFF_HOURS=2) and members

HOURS = 2  # test_conversation's app: HANDOFF_HOURS=2


def told(line, user_id: str, language: str) -> int:
    """How many times LINE was asked to tell the user the bot is back."""
    back = text_of("handoff.ended", language)
    return sum(1 for d in line.delivered(user_id) if d["message"].get("text") == back)


def test_a_chat_nobody_hands_back_ends_and_the_member_is_told_in_their_language(app, chat, members, line, clock):
    rt = app.extensions["bot"]
    for user, words_ in ((ZH, "真人客服"), (EN, "talk to a person")):
        chat.say(user, words_)
    assert chat.say(EN, "hello?") == []  # staff have it; nobody answers, nobody hands it back
    asked = clock.now()
    run_due(app, asked + timedelta(hours=HOURS) - timedelta(minutes=1))  # still open: nothing said
    assert told(line, ZH, "zh-TW") == told(line, EN, "en") == 0
    results = {r.name: r for r in run_due(app, asked + timedelta(hours=HOURS, minutes=1))}
    assert "closed 2 expired chats, told 2 members" in results["handoff-expiry"].summary
    assert told(line, ZH, "zh-TW") == 1 and told(line, EN, "en") == 1  # each in their own language
    assert text_of("handoff.ended", "en") != text_of("handoff.ended", "zh-TW")
    with rt.db.session() as s:
        chats = s.scalars(select(Handoff)).all()
        assert {(c.closed_by, c.closed_at == c.until) for c in chats} == {(handoff.EXPIRED, True)}
        rows = s.scalars(select(Outbox).where(Outbox.kind == "handoff_ended")).all()
        assert sorted(r.dedup_key for r in rows) == sorted(f"handoff_ended:{c.id}" for c in chats)
        assert {(r.category, r.status) for r in rows} == {("service", "sent")}
    run_due(app, asked + timedelta(hours=HOURS, minutes=5))  # told once
    assert told(line, ZH, "zh-TW") == 1 and told(line, EN, "en") == 1
    clock.set(asked + timedelta(hours=HOURS, minutes=6))
    assert "Hello" in words(chat.say(EN, "hello"))  # and the bot does answer again


def test_a_chat_staff_handed_back_is_told_once_not_again_when_its_time_runs_out(app, chat, members, line, clock):
    rt = app.extensions["bot"]
    chat.say(ZH, "真人客服")
    with rt.db.session() as s:
        handoff.hand_back(s, handoff.open_for(s, ZH, clock.now()), "staff@shop.example", clock.now())
    run_due(app, clock.now() + timedelta(hours=HOURS, minutes=1))
    assert told(line, ZH, "zh-TW") == 1
    with rt.db.session() as s:
        assert s.scalars(select(Handoff.closed_by)).all() == ["staff@shop.example"]


def test_a_chat_that_ran_out_long_ago_is_closed_without_a_word(app, chat, members, line, clock):
    rt = app.extensions["bot"]
    chat.say(EN, "talk to a person")
    late = clock.now() + timedelta(hours=HOURS) + handoff.TELL_WITHIN + timedelta(minutes=1)  # the worker was down
    results = {r.name: r for r in run_due(app, late)}
    assert "closed 1 expired chats, told 0 members" in results["handoff-expiry"].summary
    assert told(line, EN, "en") == 0
    with rt.db.session() as s:
        assert s.scalars(select(Handoff.closed_by)).all() == [handoff.EXPIRED]
        assert s.scalar(select(Outbox.id).where(Outbox.kind == "handoff_ended")) is None
