"""Handlers one at a time, with a fake context: what they answer, the effects they ask for, and the
routes and flags the dispatcher sees (no webhook, no LINE)."""
from __future__ import annotations

from datetime import timedelta

import pytest

import handlers
from bot.dispatch import Dispatcher, SwitchRichMenu
from bot.filters import TEXT, event_type, postback
from bot.understanding import Understanding
from bot.understanding import current as understanding


def understand(session, text):
    return understanding.model_for(session).understand(text)
from bot.texts import text
from handlers import account, birthday, conversation, help as help_module, membership, survey
from rewards import membership as members

from .conftest import NOW, USER, event, member, texts


def test_help_offers_the_member_menu(make_ctx):
    [answer] = help_module.help_(make_ctx(event(text="help"), member()))
    labels = [item["action"]["label"] for item in answer["quickReply"]["items"]]
    assert answer["text"] == text("help") and "會員卡" in labels and "取消訂閱" in labels


def test_a_close_call_asks_which_one(make_ctx):
    ctx = make_ctx(event(text="訂閱"), member())
    ctx.understood = Understanding("ask_back", alternatives=("subscribe", "unsubscribe"))
    [answer] = help_module.which_one(ctx)
    assert answer["text"] == text("which_one")
    assert [i["action"]["text"] for i in answer["quickReply"]["items"]] == ["訂閱", "取消訂閱"]


def test_words_it_does_not_know_get_the_fallback_in_the_members_language(make_ctx):
    [answer] = help_module.not_understood(make_ctx(event(text="今天天氣真好"), member(language="en")))
    assert answer["text"] == text("fallback", "en")


def test_members_only_invites_a_visitor_to_join(make_ctx):
    answer = account.points(make_ctx(event(text="點數"), None))
    assert texts(answer) == [text("invite_join"), text("welcome.alt")]


def test_points_in_the_members_words(make_ctx):
    [answer] = account.points(make_ctx(event(text="點數"), member(balance=1234)))
    assert "1,234" in answer["text"] and "NT$100" in answer["text"] and "×1.0" in answer["text"]


@pytest.mark.parametrize("picked, key", [("2030-01-01", "birthday.invalid"), ("not a date", "birthday.invalid")])
def test_a_birthday_that_does_not_pass_is_asked_again(make_ctx, picked, key):
    [answer] = birthday.birthday_set(make_ctx(event("postback", action="birthday_set", params={"date": picked}),
                                              member()))
    assert answer["text"] == text(key) and answer["quickReply"]  # the picker again


def test_a_birthday_set_before_is_locked(make_ctx):
    who = member(birthday_month=3, birthday_day=15)
    [answer] = birthday.birthday_set(make_ctx(event("postback", action="birthday_set", params={"date": "1990-05-01"}),
                                              who))
    assert answer["text"] == text("birthday.locked") and (who.birthday_month, who.birthday_day) == (3, 15)


def test_unfollow_switches_back_to_the_default_menu(make_ctx, session):
    members.record_follow(session, USER, NOW - timedelta(days=1), "zh-TW")
    ctx = make_ctx(event("unfollow"), None)
    assert membership.on_unfollow(ctx) == []
    assert ctx.effects == [SwitchRichMenu(member=False)]


def test_joining_asks_for_the_member_menu_and_offers_the_birthday(make_ctx):
    ctx = make_ctx(event("postback", action="join"), None)
    handler = Dispatcher(handlers.routers(), understand).route(ctx)
    assert handler.shows_loading  # it asks LINE for the profile first
    answer = handler(ctx)
    assert ctx.effects == [SwitchRichMenu(member=True)]
    assert ctx.member.is_member and "小美" in answer[0]["text"] and answer[-1]["text"] == text("birthday.offer")


def test_the_dispatcher_routes_by_filter_and_knows_the_flags(make_ctx):
    dispatcher = Dispatcher(handlers.routers(), understand)
    assert dispatcher.route(make_ctx(event("postback", action="points"), member())) is account.points
    card = dispatcher.route(make_ctx(event(text="會員卡"), member()))
    assert card is account.member_card and card.shows_loading and not account.points.shows_loading
    assert dispatcher.route(make_ctx(event("postback", action="no-such-action"), member())) is None
    # the fallback, with the miss kept for the unanswered list (handlers/conversation.py)
    assert dispatcher.route(make_ctx(event(text="今天天氣真好"), member())) is conversation.not_understood_kept


def test_matching_reads_the_context_and_writes_nothing(make_ctx):
    ctx = make_ctx(event(text="點數"), member())
    before = (ctx.intent, ctx.intent_candidates, ctx.member, list(ctx.effects))
    Dispatcher(handlers.routers(), understand).route(ctx)
    assert (ctx.intent, ctx.intent_candidates, ctx.member, list(ctx.effects)) == before


def test_filters_compose(make_ctx):
    words, tap = make_ctx(event(text="點數"), None), make_ctx(event("postback", action="points"), None)
    assert TEXT(words) and not TEXT(tap)
    assert (TEXT | postback("points"))(tap) and not (TEXT & postback("points"))(tap)
    assert (~event_type("follow"))(words) and survey.plain_request(words)

