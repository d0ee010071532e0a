"""Conversation beyond the menu, through signed webhooks, in both languages: small talk, the shop's
faq answers, stores (list, nearest to a location, one store's hours), a person when asked (and the
console's side of it), rewards by name, leaving, 退訂 asked first, homophone typos, the unanswered list."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.outbox import sender as outbox_sender
from bot import preview
from cli.content import sync_at_start
from messaging import handoff, misses
from messaging.models import Handoff, HandoffMessage, UnansweredMessage
from rewards import catalog, membership
from rewards.models import Outbox
from tests.conftest import make_app
from worker.runner import run_due

from bot.texts import text as text_of

from .chat import postback_datas, words

LIBRARY = str(Path(__file__).resolve().parents[2] / "content" / "library")
ZH, EN = "U" + "7" * 31 + "a", "U" + "7" * 31 + "b"


@pytest.fixture
def app(database_url, simulator_server, line, clock):
    application = make_app(database_url, simulator_server.url, clock, CONTENT_LIBRARY_DIR=LIBRARY,
                           HANDOFF_HOURS=2, SERVICE_HOURS="09:00-17:00")
    sync_at_start(application.extensions["bot"])  # as the web starts
    yield application
    application.extensions["inbox_worker"].shutdown()
    application.extensions["bot"].db.dispose()


@pytest.fixture
def members(chat, line):
    line.add_user(EN, "Amy", "en")
    chat.join(ZH)
    chat.join(EN)
    return ZH, EN


def _count(rt, model, **where):
    with rt.db.session() as s:
        q = select(func.count()).select_from(model)
        for name, value in where.items():
            q = q.where(getattr(model, name) == value)
        return s.scalar(q)


@pytest.mark.parametrize("zh_words,en_words,zh_says,en_says", [
    ("謝謝", "thanks", "不客氣", "welcome"),
    ("你好", "hello", "您好", "Hello"),
    ("好的", "ok", "好的", "Great"),
    ("掰掰", "bye", "美好的一天", "lovely day"),
    ("👍", "👍", "好的", "Great"),
])
def test_small_talk_is_answered_briefly_in_the_members_language(chat, members, rt, zh_words, en_words, zh_says,
                                                                 en_says):
    zh, en = members
    assert zh_says in words(chat.say(zh, zh_words))
    assert en_says in words(chat.say(en, en_words))
    assert _count(rt, UnansweredMessage) == 0  # small talk is not a miss


def test_stickers_media_and_a_location_are_answered(chat, members, sender):
    zh, en = members
    sticker = chat.send(sender.event("message", zh, message={"type": "sticker", "id": "1", "quoteToken": "q",
                                                             "packageId": "1", "stickerId": "1",
                                                             "stickerResourceType": "STATIC"}))
    assert [m["type"] for m in sticker] == ["text", "sticker"] and "貼圖" in words(sticker)
    picture = chat.send(sender.event("message", en, message={"type": "image", "id": "2", "quoteToken": "q",
                                                             "contentProvider": {"type": "line"}}))
    assert "picture" in words(picture)
    near = chat.send(sender.event("message", en, message={"type": "location", "id": "3", "title": "home",
                                                          "address": "Taipei", "latitude": 25.0478,
                                                          "longitude": 121.5170}))
    said = words(near)
    # from Taipei Main Station: Nanxi (about 0.6 km), Xinyi (about 5 km), Taichung (far) - all three
    assert said.index("Nanxi") < said.index("Xinyi") < said.index("Taichung")
    assert "km away" in said


@pytest.mark.parametrize("language,question,answer", [
    ("zh", "你們幾點開門", "10:00–21:00"), ("en", "what are your opening hours?", "10:00–21:00"),
    ("zh", "退貨怎麼辦", "7 天內"), ("en", "return policy", "within 7 days"),
    ("zh", "有停車位嗎", "停車場"), ("en", "is there parking", "car park"),
    ("zh", "運費多少", "NT$1,000"), ("en", "how much is shipping", "NT$1,000"),
    ("zh", "可以刷卡嗎", "LINE Pay"), ("en", "do you take credit cards", "LINE Pay"),
    ("zh", "點數怎麼算", "NT$100"), ("en", "how do points work", "12 months"),
    ("zh", "營業十間", "10:00–21:00"),  # a homophone typo of 營業時間
])
def test_faq_answers_in_both_languages(chat, members, language, question, answer):
    zh, en = members
    assert answer in words(chat.say(zh if language == "zh" else en, question))


def test_stores_carousel_and_one_stores_hours(chat, members):
    zh, en = members
    carousel = chat.say(zh, "門市")
    assert carousel[0]["type"] == "flex" and carousel[0]["contents"]["type"] == "carousel"
    assert all(name in words(carousel) for name in ("信義店", "南西店", "台中店"))
    assert "Xinyi store" in words(chat.say(en, "stores"))
    hours = words(chat.say(zh, "信義店幾點開"))
    assert "11:00-21:30" in hours and "松高路" in hours
    assert "10:00-22:00" in words(chat.say(en, "taichung store hours"))


def test_a_person_when_asked_then_the_bot_keeps_quiet_until_handed_back(chat, members, rt, clock, line):
    zh, en = members
    said = words(chat.say(zh, "真人客服"))
    assert "真人客服" in said and "09:00-17:00" in said
    assert chat.say(zh, "我上週買的杯子破了") == []  # kept for staff, not answered
    assert chat.tap(zh, "action=help") != []  # menu taps are still answered
    with rt.db.session() as s:
        open_chat = handoff.open_for(s, zh, clock.now())
        kept = [m.text for m in handoff.messages(s, open_chat)]
        assert kept == ["真人客服", "我上週買的杯子破了"]
        assert handoff.new_count(s, clock.now()) == 1
        member = membership.by_line_user(s, zh)
        handoff.reply(s, open_chat, member, "很抱歉！請帶杯子到門市換新。", "staff@example.com", clock.now())
        handoff.hand_back(s, open_chat, "staff@example.com", clock.now())
    outbox_sender.drain(rt)
    pushed = [c.body for c in line.calls_to("/v2/bot/message/push") if c.body["to"] == zh]
    assert "很抱歉！請帶杯子到門市換新。" in words([m for b in pushed for m in b["messages"]])
    with rt.db.session() as s:
        row = s.scalar(select(Outbox).where(Outbox.kind == "text", Outbox.dedup_key.like("handoff_reply:%")))
        assert row.category == "service"
    assert "不客氣" in words(chat.say(zh, "謝謝"))  # the bot answers again


def test_a_handoff_ends_by_itself_after_the_configured_time(chat, members, clock):
    zh, en = members
    assert "a person from our team" in words(chat.say(en, "talk to a person"))
    assert chat.say(en, "hello?") == []
    clock.advance(timedelta(hours=2, minutes=1))
    assert "Hello" in words(chat.say(en, "hello"))


def test_the_unanswered_are_kept_grouped_and_turned_into_an_faq(chat, members, rt, clock):
    zh, en = members
    for text in ("寵物可以進去嗎", "寵物可以進去嗎？", "寵物可以進去嗎"):
        assert chat.say(zh, text)[0]["text"] == text_of("fallback", "zh-TW")
    with rt.db.session() as s:
        misses.assign(s, preview.group_misses(s, misses.ungrouped(s), {}))
    with rt.db.session() as s:
        group = misses.groups(s)[0]
        assert group.count >= 3 and group.wording.startswith("寵物可以進去")
    with rt.db.session() as s:
        misses.faq_from_misses(s, group.ids, "歡迎毛孩！請使用推車或提籠。", "Pets are welcome in a carrier.",
                               "staff@example.com", clock.now())
    assert "毛孩" in words(chat.say(zh, "寵物可以進去嗎"))
    with rt.db.session() as s:
        assert misses.groups(s) == []


def test_delete_my_data_erases_kept_messages_and_misses(chat, members, rt, clock):
    zh, en = members
    chat.say(zh, "阿里山好玩嗎")
    chat.say(zh, "真人客服")
    chat.say(zh, "我的地址是台北市某某路")
    assert _count(rt, HandoffMessage, line_user_id=zh) == 2
    assert _count(rt, UnansweredMessage, line_user_id=zh) == 1
    with rt.db.session() as s:
        handoff.hand_back(s, handoff.open_for(s, zh, clock.now()), "staff@example.com", clock.now())
    confirm = next(d for d in postback_datas(chat.say(zh, "刪除資料")) if "delete_confirm" in d)
    chat.tap(zh, confirm)
    assert _count(rt, HandoffMessage) == 0 and _count(rt, Handoff) == 0
    assert _count(rt, UnansweredMessage) == 0


def test_kept_messages_go_after_the_retention_period(chat, members, rt, clock, app):
    zh, en = members
    chat.say(zh, "阿里山好玩嗎")
    chat.say(zh, "真人客服")
    clock.advance(timedelta(days=29))
    chat.say(en, "is the mountain nice")
    chat.say(en, "真人客服")  # a chat still open, and a miss within the period, stay
    results = {r.name: r for r in run_due(app, clock.now() + timedelta(days=2))}  # 31 days after the first
    assert results["kept-messages-retention"].ok
    assert "1 ended chats and 1 unanswered" in results["kept-messages-retention"].summary
    assert _count(rt, HandoffMessage, line_user_id=zh) == 0 and _count(rt, UnansweredMessage, line_user_id=zh) == 0
    assert _count(rt, HandoffMessage, line_user_id=en) == 1 and _count(rt, UnansweredMessage, line_user_id=en) == 1


def test_homophone_typos_and_special_phrasings(chat, members, rt, clock):
    zh, en = members
    assert words(chat.say(zh, "點樹")) == words(chat.say(zh, "點數"))
    assert words(chat.say(zh, "等記")) == words(chat.say(zh, "等級"))
    assert words(chat.say(zh, "優惠捲")) == words(chat.say(zh, "優惠券"))
    assert "生日禮" in words(chat.say(zh, "生日禮是什麼")) and "NT$100" in words(chat.say(zh, "生日禮是什麼"))
    gold = words(chat.say(zh, "怎麼升級金卡"))
    assert "金卡" in gold and "30,000" in gold and "銀卡" not in gold
    leave = chat.say(zh, "我要退出會員")
    assert "停止訊息" in words(leave) and "刪除我的資料" in words(leave)
    with rt.db.session() as s:
        catalog.create_reward(s, "咖啡兌換券", "Free coffee", 80, 120, clock.now())
    assert "birthday gift" in words(chat.say(en, "what is the birthday gift?"))
    assert "Gold: spend NT$30,000" in words(chat.say(en, "how do I get gold"))
    assert "Delete my data" in words(chat.say(en, "cancel my membership"))
    coffee = words(chat.say(zh, "我想換咖啡"))
    assert "咖啡兌換券" in coffee and "80" in coffee
    assert "Free coffee" in words(chat.say(en, "I want a free coffee"))


def test_tuiding_asks_before_unsubscribing(chat, members, rt, clock):
    zh, en = members
    with rt.db.session() as s:
        membership.set_marketing_opt_in(membership.by_line_user(s, zh), True, clock.now())
    asked = chat.say(zh, "退訂")
    assert "取消訂單" in words(asked)
    keep = next(d for d in postback_datas(asked) if "unsubscribe_keep" in d)
    assert "沒有變更" in words(chat.tap(zh, keep))
    with rt.db.session() as s:
        assert membership.by_line_user(s, zh).marketing_opt_in is True
    yes = next(d for d in postback_datas(chat.say(zh, "退訂")) if "unsubscribe_confirm" in d)
    chat.tap(zh, yes)
    with rt.db.session() as s:
        assert membership.by_line_user(s, zh).marketing_opt_in is False
