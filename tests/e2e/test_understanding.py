"""Understanding through signed webhooks, in both languages: questions in other words than the menu's
(padding, a second clause, the stop words that change the question, a synonym or an example of the
thing asked about), asking back rather than guessing, and replies in the language of the message
until a member chooses one. None of these wordings is an example the bot learned from."""
from __future__ import annotations

import pytest

from bot.texts import text as text_of
from bot.understanding.examples import shipped

from .chat import words
from .test_conversation import app, members  # noqa: F401 (the shipped library, and two members)

UNSEEN = [
    ("hi, quick question — how many points do I have left after my last order?", "Points"),
    ("what can I get with my points", "rewards"),
    ("收悠遊付嗎", "LINE Pay"),
    ("is Google Pay accepted at your stores", "LINE Pay"),
    ("騎摩托車去有地方停嗎", "停車"),
    ("what time do you close on saturdays", "22:00"),
    ("生日券什麼時候會寄給我", "生日"),
    ("agent pls", "a person from our team"),
]


def test_none_of_these_wordings_was_learned():
    learned = {e.text for e in shipped()}
    assert not {wording for wording, _ in UNSEEN} & learned


@pytest.mark.parametrize("wording,answer", UNSEEN, ids=[w for w, _ in UNSEEN])
def test_questions_in_other_words_get_their_answer(chat, members, wording, answer):
    zh, en = members
    reply = words(chat.say(zh if not wording.isascii() else en, wording))
    assert answer in reply, reply
    assert text_of("fallback", "zh-TW") not in reply and text_of("fallback", "en") not in reply


def test_the_reply_follows_the_language_of_the_message_until_the_member_chooses_one(chat, members):
    zh, en = members
    assert "Points" in words(chat.say(zh, "how many points do I have"))  # a Chinese profile, English words
    assert "點數" in words(chat.say(en, "我還有幾點"))  # an English profile, Chinese words
    chat.say(zh, "English")  # chosen: kept whatever they write in
    assert "Points" in words(chat.say(zh, "我還有幾點"))
    chat.say(zh, "中文")
    assert "點數" in words(chat.say(zh, "how many points do I have"))


def test_two_readings_about_as_strong_are_asked_back(chat, members):
    zh, en = members
    reply = chat.say(en, "points and coupons")
    assert reply[0]["text"] == text_of("which_one", "en")
    assert {item["action"]["text"] for item in reply[0]["quickReply"]["items"]} == {
        text_of("qr.points", "en"), text_of("qr.coupons", "en")}


def test_chit_chat_with_member_words_in_another_sense_is_not_a_member_question(chat, members):
    zh, en = members
    for said in ("我朋友的生日派對超好玩", "I lost all my points in the game yesterday", "今天的國際新聞好可怕"):
        reply = words(chat.say(zh if not said.isascii() else en, said))
        assert text_of("fallback", "zh-TW" if not said.isascii() else "en") in reply, said
