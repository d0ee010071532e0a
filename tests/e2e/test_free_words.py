"""Free words in both languages: variants answer like the canonical words; close calls ask back."""
from __future__ import annotations

import pytest

from bot.understanding import language_of

from .chat import postback_datas, words

# (canonical zh, canonical en, variants) per intent a member can ask
TABLE = [
    ("會員卡", "member card", ["我的會員卡", "ＭＥＭＢＥＲ ＣＡＲＤ", "membr card"]),
    ("點數", "points", ["我還有幾點", "點 數", "pionts", "my points please"]),
    ("等級", "tier", ["我的會員等級", "what's my tier?"]),
    ("優惠券", "coupons", ["優惠卷", "coupon", "我的優惠券有哪些"]),
    ("兌換", "rewards", ["點數兌換", "reward"]),
    ("生日", "birthday", ["設定生日", "my birthday"]),
    ("幫助", "help", ["help me", "怎麼用"]),
    ("加入會員", "join", ["我要加入會員", "sign up"]),
    ("點數紀錄", "history", ["點數明細", "points history"]),
    ("推薦碼", "referral", ["我的推薦碼", "referral code"]),
]


@pytest.fixture
def members(chat, line):
    zh, en = "U" + "6" * 31 + "a", "U" + "6" * 31 + "b"
    line.add_user(en, "Amy", "en")
    chat.join(zh)
    chat.join(en)
    return zh, en


def _shape(messages):
    """What an answer says, without the parts that are freshly made each time (nonces in buttons)."""
    import re
    return re.sub(r"n=[A-Za-z0-9_-]+", "n=*", words(messages)) + str([m["type"] for m in messages])


@pytest.mark.parametrize("zh_word,en_word,variants", TABLE, ids=[row[1] for row in TABLE])
def test_variants_answer_like_the_canonical_words(chat, members, zh_word, en_word, variants):
    zh, en = members
    canonical_zh = _shape(chat.say(zh, zh_word))
    canonical_en = _shape(chat.say(en, en_word))
    assert canonical_zh and canonical_en
    for variant in variants:
        asker = zh if language_of(variant) == "zh-TW" else en  # replies follow the words' language
        expected = canonical_zh if asker == zh else canonical_en
        assert _shape(chat.say(asker, variant)) == expected, variant


def test_chit_chat_gets_a_helpful_fallback_not_an_intent(chat, members):
    zh, en = members
    for said in ("今天天氣真好", "你們幾點開門", "I love your shop", "哈哈哈", "生日快樂"):
        reply = chat.say(zh, said)
        # in the language the words are written in (this member never chose one)
        assert ("不太懂" if language_of(said) == "zh-TW" else "didn't get that") in reply[0]["text"], said
        assert reply[0].get("quickReply")


def test_a_close_call_asks_which_one(chat, members):
    zh, _en = members
    reply = chat.say(zh, "點數和優惠券")
    assert "哪一個" in reply[0]["text"]
    offered = {item["action"]["text"] for item in reply[0]["quickReply"]["items"]}
    assert offered == {"點數", "優惠券"}


def test_referral_code_links_once_and_never_to_oneself(chat, members, line, app):
    zh, en = members
    code_reply = chat.say(zh, "推薦碼")[0]["text"]
    code = code_reply.split("推薦碼：")[1].split()[0]
    assert "不能使用自己的推薦碼" in chat.say(zh, f"推薦碼 {code}")[0]["text"]
    assert "Referral linked" in chat.say(en, f"referral {code}")[0]["text"]
    assert "already have a referrer" in chat.say(en, f"referral {code}")[0]["text"] or \
        "Referral linked" in chat.say(en, f"referral {code}")[0]["text"]
    assert "doesn't exist" in chat.say(en, "referral ZZZZ9999")[0]["text"]


def test_rich_menu_postbacks_answer_like_words(chat, members):
    zh, _en = members
    for action, said in (("points", "點數"), ("member_card", "會員卡"), ("coupons", "優惠券"), ("help", "幫助")):
        assert _shape(chat.tap(zh, f"action={action}")) == _shape(chat.say(zh, said)), action


def test_join_words_for_a_member_say_already(chat, members):
    zh, _en = members
    assert "已經是會員" in chat.say(zh, "加入會員")[0]["text"]
    assert any("action=join" in d for d in postback_datas(chat.say("U" + "6" * 31 + "c", "join")))
