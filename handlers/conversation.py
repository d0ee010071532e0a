"""The conversation around the member questions: a person when asked, small talk, the shop's own
answers (faq), stores (list, nearest to a sent location, one store's hours), rewards by name,
leaving, what the birthday gift is, what a tier takes, and learning from what was not understood.

Two routers: `first` runs before every other (a handed-off chat is kept for staff and not answered;
asking for a person, or an faq asked word for word, wins over the member intents); `last` runs
just before the fallback.
"""
from __future__ import annotations

from datetime import timedelta

from bot import messages as m
from bot import chat_state
from bot.texts import tier_benefits
from bot.dispatch import Context, Router
from bot.understanding import current as understanding
from bot.understanding.phrase_matcher import matching_form
from core import formats as fmt
from content import answers
from messaging import handoff, misses
from rewards import catalog, errors, membership

from .coupons import reward_bubble
from .help import not_understood

first = Router("conversation (first)")
last = Router("conversation (last)")

# LINE's own sticker set that any account may send: a sticker answers a sticker
REPLY_STICKER = {"type": "sticker", "packageId": "446", "stickerId": "1989"}
NEAREST = 3


def _catalog(ctx: Context):
    """The shop's faqs, stores and rewards as understanding knows them."""
    return understanding.model_for(ctx.session).catalog


def _is_text(ctx: Context) -> bool:
    return ctx.event.type == "message" and ctx.event.text is not None


def _kind(ctx: Context) -> str | None:
    return ctx.understood.kind if ctx.understood is not None else None


def _key(ctx: Context) -> str | None:
    return ctx.understood.key if ctx.understood is not None else None


def _in_handoff(ctx: Context) -> bool:
    return (ctx.event.type == "message" and ctx.event.source_type == "user" and bool(ctx.event.user_id)
            and chat_state.in_handoff(ctx))


# -- first: a person
@first.on(_in_handoff)
def keep_for_staff(ctx: Context):
    """Staff have this chat: keep the message for them and say nothing (menu taps still answered)."""
    current = handoff.open_for(ctx.session, ctx.event.user_id, ctx.now)
    handoff.keep(ctx.session, current, ctx.event.text if ctx.event.text is not None
                 else f"[{ctx.event.message_type or 'message'}]", ctx.now, read_token=ctx.event.mark_as_read_token)
    return []


@first.on(lambda ctx: _is_text(ctx) and _kind(ctx) == "handoff")
def hand_to_staff(ctx: Context):
    member = ctx.member
    if member is None and ctx.event.user_id:
        member = membership.get_or_create(ctx.session, ctx.event.user_id, ctx.now, ctx.t.language)
    current, _new = handoff.start(ctx.session, ctx.event.user_id, member, ctx.now,
                                  timedelta(hours=ctx.services.handoff_hours))
    handoff.keep(ctx.session, current, ctx.event.text, ctx.now, read_token=ctx.event.mark_as_read_token)
    return [m.text_message(ctx.t("handoff.started", hours=ctx.services.service_hours))]


@first.on(lambda ctx: _is_text(ctx) and _kind(ctx) == "faq" and ctx.understood.exact)
def faq_asked_word_for_word(ctx: Context):
    return faq_answer(ctx)


# -- last: the shop's answers, stores, rewards by name, small talk; else the fallback (kept for staff)
@last.on(lambda ctx: _is_text(ctx) and _kind(ctx) == "faq")
def faq_answer(ctx: Context):
    faq = _catalog(ctx).faq(_key(ctx))
    if faq is None:
        return not_understood(ctx)
    return [m.text_message(faq.answer(ctx.t.language))]


def _store_bubble(ctx: Context, store: answers.Store, km: float | None = None) -> dict:
    t, lang = ctx.t, ctx.t.language
    body = [m.flex_text(store.title(lang), weight="bold", size="lg"),
            m.flex_text(store.address(lang), size="sm", color="#555555")]
    if store.hours:
        body.append(m.flex_text(t("stores.hours", hours=store.hours), size="sm"))
    if store.phone:
        body.append(m.flex_text(t("stores.phone", phone=store.phone), size="sm"))
    if km is not None:
        body.append(m.flex_text(t("stores.distance", km=f"{km:.1f}"), size="sm", color="#c0392b"))
    footer = []
    if store.map_url:
        footer.append(m.flex_button(m.uri_action(t("stores.map"), store.map_url), style="link"))
    if store.phone:
        footer.append(m.flex_button(m.uri_action(t("stores.call"), "tel:" + store.phone.replace("-", "")),
                                    style="link"))
    return m.flex_bubble(size="kilo", body=body, footer=footer or None)


@last.on(lambda ctx: _is_text(ctx) and _kind(ctx) == "stores")
def stores_list(ctx: Context):
    stores = _catalog(ctx).stores
    if not stores:
        return [m.text_message(ctx.t("stores.none"))]
    bubbles = [_store_bubble(ctx, s) for s in stores[:12]]
    return [m.flex_message(ctx.t("stores.alt"), m.flex_carousel(bubbles))]


@last.on(lambda ctx: _is_text(ctx) and _kind(ctx) == "store")
def one_store(ctx: Context):
    store = _catalog(ctx).store(_key(ctx))
    if store is None:
        return not_understood(ctx)
    t, lang = ctx.t, ctx.t.language
    line = (t("stores.hours_answer", store=store.title(lang), hours=store.hours, address=store.address(lang))
            if store.hours else t("stores.no_hours", store=store.title(lang), address=store.address(lang),
                                  phone=store.phone))
    return [m.text_message(line), m.flex_message(store.title(lang), _store_bubble(ctx, store))]


@last.on(lambda ctx: ctx.event.type == "message" and ctx.event.message_type == "location")
def nearest_stores(ctx: Context):
    if ctx.event.latitude is None or ctx.event.longitude is None:
        return [m.text_message(ctx.t("stores.none"))]
    near = answers.nearest(_catalog(ctx).stores, float(ctx.event.latitude), float(ctx.event.longitude), NEAREST)
    if not near:
        return [m.text_message(ctx.t("stores.none"))]
    bubbles = [_store_bubble(ctx, store, km) for store, km in near]
    return [m.text_message(ctx.t("stores.nearest")), m.flex_message(ctx.t("stores.alt"), m.flex_carousel(bubbles))]


@last.on(lambda ctx: _is_text(ctx) and _kind(ctx) == "reward")
def named_reward(ctx: Context):
    try:
        reward = catalog.get_reward(ctx.session, int(_key(ctx)))
    except (ValueError, errors.RewardNotFound):
        return not_understood(ctx)
    return [m.text_message(ctx.t("rewards.named")), m.flex_message(ctx.t("rewards.named"), reward_bubble(ctx, reward))]


@last.on(lambda ctx: _is_text(ctx) and _kind(ctx) == "small_talk")
def small_talk(ctx: Context):
    return [m.text_message(ctx.t(f"small_talk.{_key(ctx)}"))]


@last.on(lambda ctx: ctx.event.type == "message" and ctx.event.message_type == "sticker")
def sticker(ctx: Context):
    return [m.text_message(ctx.t("small_talk.sticker")), dict(REPLY_STICKER)]


@last.on(lambda ctx: ctx.event.type == "message" and ctx.event.message_type in ("image", "video", "audio", "file"))
def media(ctx: Context):
    return [m.text_message(ctx.t(f"small_talk.{ctx.event.message_type}"))]


@last.on(lambda ctx: _is_text(ctx) and _kind(ctx) is None and ctx.event.user_id is not None)
def not_understood_kept(ctx: Context):
    """The fallback, and the message kept for staff's "Unanswered" list."""
    misses.record(ctx.session, ctx.event.user_id, ctx.event.text, matching_form(ctx.event.text), ctx.now)
    return not_understood(ctx)


# -- member questions the menu did not answer
@last.on_intent("birthday_gift")
def birthday_gift(ctx: Context):
    tier = ctx.settings.tier(ctx.member.tier) if ctx.member is not None and ctx.member.is_member else None
    value = tier.birthday_coupon_value if tier else ctx.settings.tiers[0].birthday_coupon_value
    gift = ctx.t("coupons.value", value=fmt.money(value))
    return [m.text_message(ctx.t("birthday_gift.info", gift=gift))]


@last.on_intent("tier_rules")
def tier_rules(ctx: Context):
    text = (ctx.event.text or "").lower()
    named = [t for t in ctx.settings.tiers if t.name_zh in (ctx.event.text or "") or t.name_en.lower() in text]
    tiers = named or [t for t in ctx.settings.tiers if t.threshold > 0]
    lang = ctx.t.language
    lines = [ctx.t("tier_rules.info", tier=t.name(lang), threshold=fmt.money(t.threshold), benefits=tier_benefits(t, ctx.settings.spend_per_point, lang))
             for t in tiers]
    return [m.text_message("\n".join(lines))]


@last.on_intent("leave")
def leave(ctx: Context):
    t = ctx.t
    return [m.text_message(t("leave.choices"), [m.message_action(t("leave.stop"), t("qr.unsubscribe")),
                                                m.message_action(t("leave.delete"), t("qr.delete"))])]
