"""Help, about, close calls, and the fallback for words the bot does not understand."""
from __future__ import annotations

from bot import messages as m
from core import formats as fmt
from bot.understanding import current as understanding
from bot.understanding.phrase_matcher import AMBIGUOUS
from bot.dispatch import Context, Router
from bot.filters import MESSAGE

from .common import standard_quick_replies

router = Router("help")

# what the help menu offers a member, as (text key of the label) - the label is also the words sent
MEMBER_MENU = ("qr.card", "qr.points", "qr.coupons", "qr.rewards", "qr.tier", "qr.history", "qr.birthday",
               "qr.news", "qr.referral", "qr.language")


def _menu(ctx: Context) -> list[dict]:
    t = ctx.t
    if ctx.member is None or not ctx.member.is_member:
        return [m.postback_action(t("qr.join"), "join", display_text=t("qr.join")),
                m.postback_action(t("qr.about"), "about", display_text=t("qr.about")),
                m.message_action(t("qr.language"), t("qr.language"))]
    items = [m.message_action(t(key), t(key)) for key in MEMBER_MENU]
    toggle = "qr.unsubscribe" if ctx.member.marketing_opt_in else "qr.subscribe"
    return items + [m.message_action(t(toggle), t(toggle))]


@router.on_request("help")
def help_(ctx: Context):
    return [m.text_message(ctx.t("help"), _menu(ctx))]


@router.on_postback("about")
def about(ctx: Context):
    return [m.text_message(ctx.t("about", spend=fmt.money(ctx.settings.spend_per_point)), standard_quick_replies(ctx))]


# the quick-reply label (also the words it sends) that names each intent
INTENT_LABELS = {"member_card": "qr.card", "points": "qr.points", "tier": "qr.tier", "coupons": "qr.coupons",
                 "rewards": "qr.rewards", "birthday": "qr.birthday", "news": "qr.news", "help": "qr.help",
                 "join": "qr.join", "unsubscribe": "qr.unsubscribe", "subscribe": "qr.subscribe",
                 "history": "qr.history", "referral": "qr.referral", "delete_data": "qr.delete",
                 "account_link": "qr.account_link"}


def _option(ctx: Context, reading: str) -> dict | None:
    """A quick reply that asks for this reading in words it is understood by word for word."""
    if reading in INTENT_LABELS:
        label = ctx.t(INTENT_LABELS[reading])
        return m.message_action(label, label)
    if reading.startswith("faq:"):
        faq = understanding.model_for(ctx.session).catalog.faq(reading[4:])
        if faq is not None:
            title = faq.title_en if ctx.t.language == "en" else faq.title_zh
            return m.message_action(title[:20], title)
    return None


@router.on_intent(AMBIGUOUS)
def which_one(ctx: Context):
    """Two readings too close to call (e.g. 訂閱 / 取消訂閱, points / an faq): ask instead of guessing."""
    t = ctx.t
    options = [o for o in (_option(ctx, r) for r in ctx.intent_candidates) if o]
    if len(options) < 2:
        return [m.text_message(t("fallback"), _menu(ctx))]
    return [m.text_message(t("which_one"), options)]


fallback = Router("fallback")


@fallback.on(MESSAGE)
def not_understood(ctx: Context):
    return [m.text_message(ctx.t("fallback"), _menu(ctx))]
