"""Help, and the fallback for words the bot does not understand."""
from __future__ import annotations

from bot import messages as m
from bot.dispatch import Context, Router

from .common import standard_quick_replies

router = Router("help")


@router.on_intent("help")
@router.on_postback("help")
def help_(ctx: Context):
    return [m.text_message(ctx.t("help"), standard_quick_replies(ctx))]


fallback = Router("fallback")


@fallback.on(lambda ctx: ctx.event.type == "message")
def not_understood(ctx: Context):
    return [m.text_message(ctx.t("fallback"), standard_quick_replies(ctx))]
