"""Surveys after a purchase: the rating (a quick reply), then an optional comment, then thanks.

After a rating the bot waits for a comment (conversation state `survey_comment`, kept for
`settings.survey_comment_hours`). While it waits, a text message IS the comment — unless the whole
message is a member request as the bot knows it ("點數", "我的優惠券", "coupons please": intent
words and fillers only, no typo), which gets its usual answer and leaves the bot still waiting. So a
comment that merely mentions a request word ("活動很棒但點數太少") is taken as a comment. After the
wait expires, text gets the normal answers again.

`comment_router` must come first in handlers.routers(), before every intent.
"""
from __future__ import annotations

from datetime import timedelta

from bot import chat_state
from core import conversation
from bot import messages as m
from bot.dispatch import Context, Router
from bot.filters import TEXT, Filter
from messaging import surveys

from .common import members_only

COMMENT_STATE = "survey_comment"
MAX_RATING = 5

comment_router = Router("survey_comment")
router = Router("survey")


def is_plain_request(ctx) -> bool:
    """The whole message is one intent's words (and fillers), as written: "點數", "my coupons"."""
    return ctx.understood is not None and ctx.understood.exact and ctx.understood.kind == "intent"


def _waiting_for_comment(ctx: Context) -> bool:
    state = chat_state.waiting_for(ctx)
    return state is not None and state.name == COMMENT_STATE


known_user = Filter("a known user", lambda ctx: ctx.member is not None and bool(ctx.event.user_id))
waiting_for_comment = Filter("waiting for a survey comment", _waiting_for_comment)
plain_request = Filter("a plain request", is_plain_request)


@comment_router.on(TEXT & known_user & waiting_for_comment & ~plain_request)
def take_comment(ctx: Context):
    state = conversation.get(ctx.session, ctx.event.user_id, ctx.now)
    conversation.clear(ctx.session, ctx.event.user_id)
    response = surveys.add_comment(ctx.session, ctx.member, int(state.data.get("response_id", 0)), ctx.event.text,
                                   ctx.now)
    low = response is not None and response.needs_follow_up
    return [m.text_message(ctx.t("survey.thanks.low" if low else "survey.thanks"))]


def _ask_comment(ctx: Context, answer: surveys.Answer) -> list[dict]:
    t = ctx.t
    conversation.set(ctx.session, ctx.event.user_id, COMMENT_STATE, {"response_id": answer.response.id}, ctx.now,
                     timedelta(hours=ctx.settings.survey_comment_hours))
    return [m.text_message(t("survey.ask_comment.low" if answer.needs_follow_up else "survey.ask_comment"),
                           [m.postback_action(t("survey.skip"), "survey_skip", display_text=t("survey.skip"),
                                              resp=answer.response.id)])]


@router.on_postback("survey_rate")
@members_only
def rate(ctx: Context):
    data = ctx.event.postback_data
    try:
        invitation, rating = int(data.get("inv", "")), int(data.get("r", ""))
    except ValueError:
        return [m.text_message(ctx.t("survey.closed"))]
    if not 1 <= rating <= MAX_RATING:
        return [m.text_message(ctx.t("survey.closed"))]
    answer = surveys.rate(ctx.session, ctx.member, invitation, rating, ctx.now, ctx.settings)
    if answer.outcome == surveys.RECORDED:
        return _ask_comment(ctx, answer)
    if answer.outcome == surveys.ALREADY:
        return [m.text_message(ctx.t("survey.already"))]
    return [m.text_message(ctx.t("survey.closed"))]


@router.on_postback("survey_skip")
def skip(ctx: Context):
    if ctx.event.user_id:
        conversation.clear(ctx.session, ctx.event.user_id)
    return [m.text_message(ctx.t("survey.thanks"))]
