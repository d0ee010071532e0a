"""Coupons the member holds, and the rewards catalog with confirm-then-redeem."""
from __future__ import annotations

import secrets

from bot import messages as m
from bot.dispatch import Context, Router, shows_loading
from core import formats as fmt
from rewards import catalog, coupons
from rewards.errors import DomainError, RewardNotFound

from .common import members_only, standard_quick_replies

router = Router("coupons")


def _title(item, language: str) -> str:
    return (item.title_en if language == "en" else item.title_zh) or item.title_zh


@router.on_request("coupons")
@members_only
def my_coupons(ctx: Context):
    t, lang = ctx.t, ctx.t.language
    held = coupons.active_coupons(ctx.session, ctx.member, ctx.now)
    if not held:
        return [m.text_message(t("coupons.none"), standard_quick_replies(ctx))]
    bubbles = [m.flex_bubble(size="kilo", hero=_code_image(ctx, c.code), body=[
        m.flex_text(_title(c, lang), weight="bold", size="md"),
        m.flex_text(t("coupons.value", value=fmt.money(c.value)), size="xl", weight="bold", color="#c0392b"),
        m.flex_text(t("coupons.code", code=c.code), size="md"),
        m.flex_text(t("coupons.until", date=fmt.day(c.valid_until, lang, ctx.now.tzinfo)), size="sm",
                    color="#888888"),
    ]) for c in held[:12]]
    return [m.flex_message(t("coupons.alt", count=len(held)), m.flex_carousel(bubbles), standard_quick_replies(ctx))]


def _code_image(ctx: Context, code: str) -> dict | None:
    """The coupon's code as a QR image the till can scan (a signed, expiring link), if the bot can serve one."""
    if ctx.services.coupon_qr_url is None:
        return None
    return {"type": "image", "url": ctx.services.coupon_qr_url(code, ctx.now), "size": "full",
            "aspectRatio": "1:1", "aspectMode": "fit"}


def _reward_name(reward, language: str) -> str:
    return reward.name_en if language == "en" and reward.name_en else reward.name_zh


@router.on_request("rewards")
@members_only
def rewards_catalog(ctx: Context):
    t = ctx.t
    offered = catalog.list_rewards(ctx.session)
    if not offered:
        return [m.text_message(t("rewards.none"), standard_quick_replies(ctx))]
    bubbles = [reward_bubble(ctx, reward) for reward in offered[:12]]
    return [m.flex_message(t("rewards.alt", balance=fmt.number(ctx.member.balance)), m.flex_carousel(bubbles))]


def reward_bubble(ctx: Context, reward) -> dict:
    """One reward of the catalog: name, cost, stock, and the redeem button."""
    t, lang = ctx.t, ctx.t.language
    sold_out = reward.stock is not None and reward.stock <= 0
    body = [m.flex_text(_reward_name(reward, lang), weight="bold", size="md"),
            m.flex_text(t("rewards.cost", cost=fmt.number(reward.cost)), size="lg", color="#c0392b")]
    if reward.stock is not None:
        body.append(m.flex_text(t("rewards.sold_out") if sold_out else t("rewards.stock", stock=reward.stock),
                                size="sm", color="#888888"))
    footer = None if sold_out else [m.flex_button(m.postback_action(
        t("rewards.redeem"), "reward_ask", display_text=t("rewards.redeem"), id=reward.id))]
    return m.flex_bubble(size="kilo", body=body, footer=footer)


def _reward_from_postback(ctx: Context):
    try:
        return catalog.get_reward(ctx.session, int(ctx.event.postback_data.get("id", "")))
    except (ValueError, RewardNotFound):
        return None


@router.on_postback("reward_ask")
@members_only
def reward_ask(ctx: Context):
    t = ctx.t
    reward = _reward_from_postback(ctx)
    if reward is None or not reward.active:
        return [m.text_message(t("rewards.inactive"))]
    name = _reward_name(reward, t.language)
    if reward.stock is not None and reward.stock <= 0:  # sold out since the catalog was shown
        return [m.text_message(t("rewards.out_of_stock", name=name))]
    if ctx.member.balance < reward.cost:
        return [m.text_message(t("rewards.not_enough", name=name, cost=fmt.number(reward.cost),
                                 balance=fmt.number(ctx.member.balance)))]
    # the nonce makes a double tap on "yes" one redemption
    nonce = secrets.token_urlsafe(12)
    return [m.text_message(
        t("rewards.confirm", name=name, cost=fmt.number(reward.cost), after=fmt.number(ctx.member.balance - reward.cost)),
        [m.postback_action(t("rewards.yes"), "reward_redeem", display_text=t("rewards.yes"), id=reward.id, n=nonce),
         m.postback_action(t("rewards.no"), "reward_cancel", display_text=t("rewards.no"))])]


# why a redemption did not happen (DomainError.code) -> what the member reads
REDEEM_TEXTS = {"insufficient_points": "rewards.not_enough", "out_of_stock": "rewards.out_of_stock",
                "reward_inactive": "rewards.inactive"}


@router.on_postback("reward_redeem")
@shows_loading
@members_only
def reward_redeem(ctx: Context):
    t, lang = ctx.t, ctx.t.language
    reward = _reward_from_postback(ctx)
    nonce = ctx.event.postback_data.get("n", "")
    if reward is None or not nonce:
        return [m.text_message(t("rewards.inactive"))]
    name = _reward_name(reward, lang)
    try:
        coupon = catalog.redeem_reward(ctx.session, ctx.member, reward, nonce, ctx.now, ctx.settings)
    except DomainError as exc:
        if exc.code not in REDEEM_TEXTS:
            raise
        return [m.text_message(t(REDEEM_TEXTS[exc.code], name=name, cost=fmt.number(reward.cost),
                                 balance=fmt.number(ctx.member.balance)))]
    ctx.session.refresh(ctx.member)
    return [m.text_message(t("rewards.done", name=name, code=coupon.code,
                             date=fmt.day(coupon.valid_until, lang, ctx.now.tzinfo),
                             balance=fmt.number(ctx.member.balance)), standard_quick_replies(ctx))]


@router.on_postback("reward_cancel")
def reward_cancel(ctx: Context):
    return [m.text_message(ctx.t("rewards.cancelled"))]
