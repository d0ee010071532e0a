"""Member card, points, tier, coupons, rewards and history, through signed webhooks, in both languages."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from rewards import catalog, coupons, ledger, membership, orders
from rewards.models import Coupon

from .chat import postback_datas, words


@pytest.fixture
def shop(app, clock):
    """Domain operations a test needs to set the scene (orders from the POS, catalog entries)."""
    rt = app.extensions["bot"]

    class Shop:
        def order(self, uid, order_id, amount, store="信義店", days_ago=0):
            with rt.db.session() as s:
                member = membership.by_line_user(s, uid)
                return orders.record_fields(s, member, "store", order_id, amount,
                                           clock.now() - timedelta(days=days_ago), store, None,
                                           clock.now(), rt.settings).points_earned

        def reward(self, name_zh, name_en, cost, value, stock=None):
            with rt.db.session() as s:
                return catalog.create_reward(s, name_zh, name_en, cost, value, clock.now(), stock=stock).id

        def member(self, uid):
            with rt.db.session() as s:
                return membership.by_line_user(s, uid)

        def consistent(self, uid):
            with rt.db.session() as s:
                m = membership.by_line_user(s, uid)
                return m.balance >= 0 and ledger.balance_check(s, m)

    return Shop()


def two_members_who_bought(chat, shop, line, digit: str, prefix: str) -> tuple[str, str]:
    """A zh-TW and an en member, each with an NT$1,250 order."""
    zh, en = "U" + digit * 31 + "a", "U" + digit * 31 + "b"
    line.add_user(en, "Amy", "en")
    for uid in (zh, en):
        chat.join(uid)
        shop.order(uid, f"{prefix}-{uid[-1]}", 1250)
    return zh, en


def test_points_in_both_languages_show_balance_expiry_and_how_to_earn(chat, shop, line):
    zh, en = two_members_who_bought(chat, shop, line, "4", "A")
    zh_text = chat.say(zh, "點數")[0]["text"]
    assert "62" in zh_text and "到期" in zh_text and "NT$100" in zh_text
    en_text = chat.say(en, "points")[0]["text"]
    assert "62" in en_text and "expire" in en_text and "NT$100" in en_text
    assert chat.say(en, "ｐｏｉｎｔｓ？") == chat.say(en, "points")
    assert shop.consistent(zh) and shop.consistent(en)


def test_member_card_is_a_flex_with_code_tier_progress_and_qr(chat, shop):
    uid = "U" + "4" * 31 + "c"
    chat.join(uid)
    shop.order(uid, "C-1", 4000)
    [card] = chat.say(uid, "會員卡")
    assert card["type"] == "flex"
    member = shop.member(uid)
    text = words([card])
    assert member.member_code in text and "一般" in text and "6,000" in text  # NT$6,000 to Silver
    english = chat.say(uid, "member card")
    assert english[0]["type"] == "flex"


def test_tier_tells_benefits_and_what_the_next_takes(chat, shop, line):
    uid = "U" + "4" * 31 + "d"
    line.add_user(uid, "Amy", "en")
    chat.join(uid)
    shop.order(uid, "T-1", 12_000)
    text = chat.say(uid, "tier")[0]["text"]
    assert "Silver" in text and "18,000" in text and "Gold" in text and "keep" in text


def test_coupons_carousel_or_a_clear_line_when_none(chat, shop, app, clock):
    uid = "U" + "4" * 31 + "e"
    chat.join(uid)
    assert "沒有可用的優惠券" in chat.say(uid, "優惠券")[0]["text"]
    with app.extensions["bot"].db.session() as s:
        member = membership.by_line_user(s, uid)
        code = coupons.issue(s, member, "campaign", 150, clock.now() + timedelta(days=10), clock.now(),
                             ("週年慶折價券", "Anniversary coupon")).code
    [carousel] = chat.say(uid, "我的優惠卷")
    assert carousel["contents"]["type"] == "carousel"
    assert code in words([carousel]) and "150" in words([carousel])


def test_redeem_asks_then_debits_once_even_on_a_double_tap(chat, shop, app):
    uid = "U" + "4" * 31 + "f"
    chat.join(uid)  # 50 welcome points
    shop.order(uid, "R-1", 20_000)  # +200
    reward_id = shop.reward("保溫瓶", "Thermos", 120, 300, stock=5)
    catalog_reply = chat.say(uid, "兌換")
    ask = next(d for d in postback_datas(catalog_reply) if "reward_ask" in d)
    confirm = chat.tap(uid, ask)
    assert "120" in confirm[0]["text"] and "130" in confirm[0]["text"]
    yes = next(d for d in postback_datas(confirm) if "reward_redeem" in d)
    first, second = chat.tap(uid, yes), chat.tap(uid, yes)
    assert "兌換成功" in first[0]["text"] and first[0]["text"].split("代碼 ")[1][:10] in second[0]["text"]
    member = shop.member(uid)
    assert member.balance == 130
    with app.extensions["bot"].db.session() as s:
        assert s.scalar(select(func.count()).select_from(Coupon).where(Coupon.reward_id == reward_id)) == 1
    assert shop.consistent(uid)


def test_redeem_refuses_without_enough_points_or_stock(chat, shop):
    uid = "U" + "5" * 31 + "a"
    chat.join(uid)
    pricey = shop.reward("咖啡機", "Coffee machine", 5000, 3000)
    reply = chat.tap(uid, f"action=reward_ask&id={pricey}")
    assert "點數不足" in reply[0]["text"]
    reply = chat.tap(uid, f"action=reward_redeem&id={pricey}&n=abc")
    assert "點數不足" in reply[0]["text"]
    gone = shop.reward("限量杯", "Limited cup", 10, 50, stock=0)
    # the confirm step already says so (no "yes" button for something that cannot be had)
    ask = chat.tap(uid, f"action=reward_ask&id={gone}")
    assert "已兌換完畢" in ask[0]["text"] and not postback_datas(ask)
    assert "已兌換完畢" in chat.tap(uid, f"action=reward_redeem&id={gone}&n=xyz")[0]["text"]
    assert "下架" in chat.tap(uid, "action=reward_ask&id=999999")[0]["text"]
    assert shop.member(uid).balance == 50


def test_history_explains_each_change_in_plain_words(chat, shop, line):
    zh, en = two_members_who_bought(chat, shop, line, "5", "H")
    zh_text = chat.say(zh, "點數紀錄")[0]["text"]
    assert "NT$1,250" in zh_text and "信義店" in zh_text and "+12" in zh_text and "入會禮" in zh_text
    en_text = chat.say(en, "history")[0]["text"]
    assert "NT$1,250" in en_text and "+12" in en_text and "Welcome" in en_text


def test_non_members_asking_member_things_are_invited_to_join(chat):
    uid = "U" + "5" * 31 + "d"
    chat.follow(uid)
    for words_ in ("會員卡", "coupons", "等級", "兌換", "點數紀錄", "推薦碼"):
        assert any("action=join" in d for d in postback_datas(chat.say(uid, words_))), words_


def test_slow_answers_show_the_loading_animation_first(chat, line):
    uid = "U" + "5" * 31 + "e"
    chat.join(uid)
    loading_before = len(line.calls_to("/v2/bot/chat/loading/start"))
    assert loading_before == 1  # the join asks LINE for the profile
    chat.say(uid, "會員卡")
    calls = [c.path for c in line.calls if c.path in ("/v2/bot/chat/loading/start", "/v2/bot/message/reply")]
    assert calls[-2:] == ["/v2/bot/chat/loading/start", "/v2/bot/message/reply"]
    assert line.calls_to("/v2/bot/chat/loading/start")[-1].body == {"chatId": uid, "loadingSeconds": 5}
    chat.say(uid, "點數")  # a quick answer: no animation
    assert len(line.calls_to("/v2/bot/chat/loading/start")) == 2


def test_points_owed_after_a_refund_are_shown_in_the_chat_in_both_languages(app, chat, shop, line, clock):
    """Issue 19: points spent, then the order refunded: the member sees what they owe beside their
    points and in their history, and sees the next order repay it."""
    rt = app.extensions["bot"]
    zh, en = "U" + "6" * 31 + "a", "U" + "6" * 31 + "b"
    line.add_user(en, "Amy", "en")
    for uid in (zh, en):
        chat.join(uid)
        shop.order(uid, f"OWE-{uid[-1]}", 10_000)
        with rt.db.session() as s:
            member = membership.by_line_user(s, uid)
            ledger.debit(s, member, member.balance, "redeem", "redeem_reward", {"cost": member.balance},
                         f"spend-{uid}", clock.now())
            orders.refund(s, orders.find_order(s, "store", f"OWE-{uid[-1]}"), "R1", 10_000, clock.now(), rt.settings)
            assert member.points_debt == 100
    zh_text = chat.say(zh, "點數")[0]["text"]
    assert "0 點" in zh_text and "另有 100 點待補扣" in zh_text
    en_text = chat.say(en, "points")[0]["text"]
    assert "You have 0 points" in en_text and "You owe 100 points" in en_text
    assert "待補扣" in chat.say(zh, "點數紀錄")[0]["text"]
    assert "You owe 100 points" in chat.say(en, "history")[0]["text"]

    shop.order(en, "OWE-next", 10_000)  # silver by now: 120 points, 100 of them repay what is owed
    after = chat.say(en, "history")[0]["text"]
    assert "Owed points repaid -100" in after and "You owe" not in after
    assert "You have 20 points" in chat.say(en, "points")[0]["text"]
    assert shop.consistent(zh) and shop.consistent(en)


def test_the_chats_card_opens_the_card_page_when_there_is_a_liff_app(database_url, simulator_server, line, clock,
                                                                      sender):
    from ..conftest import make_app
    from .chat import Chat

    for uid, liff_id, expected in (("U" + "4" * 31 + "f", "1650000000-AbCd", "https://liff.line.me/1650000000-AbCd"),
                                   ("U" + "5" * 31 + "f", "", None)):
        app = make_app(database_url, simulator_server.url, clock, LIFF_ID=liff_id, LIFF_CHANNEL_ID="1650000000")
        try:
            chat = Chat(app.test_client(), sender, line)
            line.add_user(uid, "小明", "zh-TW")
            chat.join(uid)
            [card] = chat.say(uid, "會員卡")
            uris = [b["action"]["uri"] for b in card["contents"].get("footer", {}).get("contents", [])
                    if b["action"]["type"] == "uri"]
            assert uris == ([expected] if expected else [])
            if expected:
                assert "開啟會員卡" in words([card])
        finally:
            app.extensions["bot"].db.dispose()
