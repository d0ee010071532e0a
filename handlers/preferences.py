"""Language, marketing subscription, and deleting one's data."""
from __future__ import annotations

from core import conversation
from bot import messages as m
from bot.dispatch import Context, Router, SwitchRichMenu
from privacy import erasure
from rewards import membership

from .common import members_only

router = Router("preferences")


def _switch(language: str):
    def handler(ctx: Context):
        if ctx.member is None:
            ctx.member = membership.get_or_create(ctx.session, ctx.event.user_id, ctx.now, language)
        membership.set_language(ctx.member, language)
        ctx.use_language(language)
        return [m.text_message(ctx.t("language.switched"))]
    return handler


router.on_intent("english")(_switch("en"))
router.on_intent("chinese")(_switch("zh-TW"))


@router.on_intent("unsubscribe")
@members_only
def unsubscribe(ctx: Context):
    changed = membership.set_marketing_opt_in(ctx.member, False, ctx.now)
    return [m.text_message(ctx.t("unsubscribe.done" if changed else "unsubscribe.already"))]


@router.on_intent("subscribe")
@members_only
def subscribe(ctx: Context):
    changed = membership.set_marketing_opt_in(ctx.member, True, ctx.now)
    if not changed:
        return [m.text_message(ctx.t("subscribe.already"))]
    return [m.text_message(ctx.t("subscribe.done", cap=ctx.settings.marketing_weekly_cap))]


@router.on_intent("delete_data")
@members_only
def delete_ask(ctx: Context):
    t = ctx.t
    return [m.text_message(t("delete.ask"), [
        m.postback_action(t("delete.confirm"), "delete_confirm", display_text=t("delete.confirm")),
        m.postback_action(t("delete.cancel"), "delete_cancel", display_text=t("delete.cancel")),
    ])]


@router.on_postback("delete_confirm")
@members_only
def delete_confirm(ctx: Context):
    reply = m.text_message(ctx.t("delete.done"))
    conversation.clear(ctx.session, ctx.event.user_id)
    erasure.erase_member(ctx.session, ctx.member, ctx.now)
    ctx.effects.append(SwitchRichMenu(member=False))
    return [reply]


@router.on_postback("delete_cancel")
def delete_cancel(ctx: Context):
    return [m.text_message(ctx.t("delete.cancelled"))]
