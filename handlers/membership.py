"""Follow, unfollow and the one-tap join."""
from __future__ import annotations

from bot import messages as m
from bot.dispatch import Context, Router, SwitchRichMenu, shows_loading
from bot.texts import coupon_titles
from core import formats as fmt
from rewards import gifts, membership

from .birthday import birthday_gift_now, birthday_offer
from .common import join_button_bubble

router = Router("membership")


def _profile_language(ctx: Context) -> str:
    """The language of the person's LINE profile; the bot's default when LINE cannot say."""
    try:
        profile = ctx.services.profile(ctx.event.user_id)
    except Exception:  # noqa: BLE001 - a welcome in the default language beats no welcome
        return ctx.t.language
    return membership.normalise_language(getattr(profile, "language", None), ctx.t.language)


@router.on_event("follow")
def on_follow(ctx: Context):
    if ctx.member is None:  # first contact: welcome them in their own LINE language from the start
        ctx.use_language(_profile_language(ctx))
    ctx.member = membership.record_follow(ctx.session, ctx.event.user_id, ctx.now, ctx.t.language)
    if ctx.member.is_member:  # back after a block: points and history were kept
        ctx.effects.append(SwitchRichMenu(member=True))
        return [m.text_message(ctx.t("welcome_back", name=ctx.member.display_name or "",
                                     balance=fmt.number(ctx.member.balance)))]
    return [join_button_bubble(ctx)]


@router.on_event("unfollow")
def on_unfollow(ctx: Context):
    membership.record_unfollow(ctx.session, ctx.event.user_id, ctx.now)
    ctx.effects.append(SwitchRichMenu(member=False))
    return []


def _join(ctx: Context):
    member = ctx.member or membership.get_or_create(ctx.session, ctx.event.user_id, ctx.now, ctx.t.language)
    if member.is_member:
        return [m.text_message(ctx.t("already_member", code=member.member_code))]
    profile = ctx.services.profile(ctx.event.user_id)
    language = membership.normalise_language(getattr(profile, "language", None), ctx.services.default_language)
    name = getattr(profile, "display_name", None)
    joined = membership.join(ctx.session, member, ctx.now, display_name=name, language=language)
    ctx.member = member
    ctx.use_language(member.language)
    if not joined:
        return [m.text_message(ctx.t("already_member", code=member.member_code))]
    lines = [ctx.t("joined", name=member.display_name or "", code=member.member_code)]
    gift = None if membership.had_membership_before(ctx.session, member) else \
        gifts.give_welcome_gift(ctx.session, member, ctx.now, ctx.settings, coupon_titles)
    if gift is not None and gift.kind == "points":
        lines.append(ctx.t("joined.gift_points", points=gift.points))
    elif gift is not None:
        lines.append(ctx.t("joined.gift_coupon", value=fmt.money(gift.coupon.value), code=gift.coupon.code))
    ctx.effects.append(SwitchRichMenu(member=True))
    messages = [m.text_message("\n".join(lines))]
    if member.birthday_month is None:
        messages.append(birthday_offer(ctx))
    else:
        messages += birthday_gift_now(ctx)
    return messages


router.on_postback("join")(shows_loading(_join))  # asks LINE for the profile first


@router.on_intent("join")
def join_words(ctx: Context):
    """Words offer the button (it shows what joining means); the tap is the consent."""
    if ctx.member is not None and ctx.member.is_member:
        return [m.text_message(ctx.t("already_member", code=ctx.member.member_code))]
    return [join_button_bubble(ctx)]
