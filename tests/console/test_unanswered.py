"""The unanswered list teaches the bot: misses grouped by meaning, dismissed, merged, and labelled
(an intent, an faq, a new faq); a wording never seen before then gets that answer."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot.texts import text as text_of
from messaging import labelled_examples
from messaging.models import LabelledExample

from ..e2e.chat import Chat

ZH = "U" + "5" * 31 + "a"
EN = "U" + "5" * 31 + "b"


@pytest.fixture
def chat(client, sender, line):
    return Chat(client, sender, line)


def _missed(chat, user, *wordings):
    for wording in wordings:
        assert chat.say(user, wording)[0]["text"] == text_of("fallback", "zh-TW" if not wording.isascii() else "en")


def _groups(page: str) -> list[tuple[str, list[str], str]]:
    """(group key, its wordings, its count) as the page lists them."""
    rows = re.findall(r'<tr class="miss-group" data-group="(\d+)">(.*?)</tr>', page, re.S)
    return [(key, re.findall(r'class="wording">([^<]+)<', row), re.search(r'class="num count">(\d+)<', row).group(1))
            for key, row in rows]


def _group_of(groups, wording):
    return next(key for key, wordings, _count in groups if wording in wordings)


def test_misses_are_grouped_by_meaning_and_staff_dismiss_and_merge(chat, login_as):
    _missed(chat, ZH, "寵物可以進去嗎", "可以帶狗狗進去嗎", "寵物可以進去嗎", "阿里山好玩嗎")
    _missed(chat, EN, "can I bring my dog")
    marketer = login_as("marketer")
    groups = _groups(marketer.get("/console/unanswered").get_data(as_text=True))
    pets = _group_of(groups, "寵物可以進去嗎")
    assert _group_of(groups, "可以帶狗狗進去嗎") == pets  # no word in common but the meaning
    assert ("3" if _group_of(groups, "can I bring my dog") != pets else "4") in [c for k, _w, c in groups if k == pets]
    mountain = _group_of(groups, "阿里山好玩嗎")
    assert mountain != pets
    # a second visit keeps the groups as they were, and a new miss joins its group
    _missed(chat, ZH, "寵物能進去嗎")
    again = _groups(marketer.get("/console/unanswered").get_data(as_text=True))
    assert _group_of(again, "寵物能進去嗎") == pets
    english = _group_of(again, "can I bring my dog")
    if english != pets:
        marketer.post("/console/unanswered/merge", {"group": english, "into": pets})
    merged = _groups(marketer.get("/console/unanswered").get_data(as_text=True))
    assert _group_of(merged, "can I bring my dog") == pets
    assert [c for k, _w, c in merged if k == pets] == ["5"]
    marketer.post("/console/unanswered/dismiss", {"group": mountain})
    left = _groups(marketer.get("/console/unanswered").get_data(as_text=True))
    assert [k for k, _w, _c in left] == [pets]
    bad = marketer.post("/console/unanswered/merge", {"group": pets, "into": pets}, follow_redirects=True)
    assert "Not merged" in bad.get_data(as_text=True)


def test_a_group_labelled_as_an_intent_teaches_the_bot_a_wording_never_seen(chat, login_as, rt):
    # the shop calls its points 豆豆幣 ("bean coins"), which no example says
    _missed(chat, ZH, "我的豆豆幣", "豆豆幣查詢")
    marketer = login_as("marketer")
    groups = _groups(marketer.get("/console/unanswered").get_data(as_text=True))
    key = _group_of(groups, "我的豆豆幣")
    assert _group_of(groups, "豆豆幣查詢") == key
    marketer.post("/console/unanswered/label", {"group": key, "meaning": "points"})
    with rt.db.session() as s:
        assert "豆豆幣查詢" in {t for t, label in labelled_examples.all_examples(s) if label == "points"}
    answer = chat.say(ZH, "請問豆豆幣目前累積多少")  # never seen, close to what staff labelled
    assert answer[0]["type"] == "flex" or "點" in answer[0]["text"]
    assert answer[0].get("text") != text_of("fallback", "zh-TW")


def test_a_new_faq_from_a_group_asks_for_its_english_title_and_answers_new_wordings(chat, login_as, rt):
    _missed(chat, ZH, "寵物可以進去嗎", "可以帶狗狗進去嗎")
    marketer = login_as("marketer")
    key = _group_of(_groups(marketer.get("/console/unanswered").get_data(as_text=True)), "寵物可以進去嗎")
    form = {"group": key, "meaning": "new_faq", "title_zh": "寵物", "answer_zh": "歡迎毛孩！請使用推車或提籠。",
            "answer_en": "Pets are welcome in a carrier."}
    refused = marketer.post("/console/unanswered/label", form, follow_redirects=True).get_data(as_text=True)
    assert "English title is required" in refused
    marketer.post("/console/unanswered/label", dict(form, title_en="Pets"))
    assert "毛孩" in chat.say(ZH, "寵物能一起進店嗎")[0]["text"]
    assert "carrier" in chat.say(EN, "can pets come in?")[0]["text"]
    with rt.db.session() as s:
        labels = {label for (label,) in s.execute(select(LabelledExample.label))}
        assert len(labels) == 1 and labels.pop().startswith("faq:")


def test_only_staff_who_read_chats_see_members_words_and_only_editors_label(chat, login_as):
    _missed(chat, ZH, "阿里山好玩嗎")
    assert login_as("viewer").get("/console/unanswered").status_code == 403
    marketer = login_as("marketer")
    key = _groups(marketer.get("/console/unanswered").get_data(as_text=True))[0][0]
    nothing = marketer.post("/console/unanswered/label", {"group": key, "meaning": ""}, follow_redirects=True)
    assert "Not saved" in nothing.get_data(as_text=True)
    gone = marketer.post("/console/unanswered/label", {"group": "999999", "meaning": "points"}, follow_redirects=True)
    assert "Not saved" in gone.get_data(as_text=True)
