"""Verifying the member's phone: they ask (in words, or the member card's button), type the number,
get an SMS code and type it back (rewards/phone_verification.py has the rules).

While the bot waits for the number (state `phone_number`) or the code (`phone_code`), a text is
taken as that — unless it is a plain member request ("點數"), which gets its usual answer and
leaves the bot waiting, or a cancel word, which ends the wait. `router` must come before the
intents' routers in handlers.routers().
"""
from __future__ import annotations

from datetime import timedelta

from bot import chat_state
from bot import messages as m
from bot.dispatch import Context, Router, SwitchRichMenu, shows_loading
from bot.filters import TEXT, Filter
from bot.understanding.conversation_phrases import CANCEL
from bot.understanding.phrase_matcher import matching_form
from core import conversation
from core import phones
from messaging.sms import delivery
from rewards import phone_verification as verification

from .claims import claimed_message
from .common import members_only
from .survey import is_plain_request

NUMBER_STATE, CODE_STATE = "phone_number", "phone_code"
# how long the bot keeps waiting: longer than a code lives, so a late code hears it has expired
WAIT = timedelta(minutes=30)
CANCEL_FORMS = frozenset(matching_form(word) for word in CANCEL)

router = Router("phone")


def _waiting_for(name: str) -> Filter:
    def waiting(ctx: Context) -> bool:
        if ctx.member is None or not ctx.event.user_id:
            return False
        state = chat_state.waiting_for(ctx)
        return state is not None and state.name == name
    return Filter(f"waiting for the phone's {name}", waiting)


def _cancelling(ctx: Context) -> bool:
    return ctx.event.text is not None and matching_form(ctx.event.text) in CANCEL_FORMS


def _replaying(ctx: Context) -> bool:
    """A code typed again just after it verified the number (the bot no longer waits for one)."""
    return (ctx.member is not None and ctx.event.text is not None
            and verification.read_code(ctx.event.text) is not None
            and verification.recently_used(ctx.session, ctx.member, ctx.now, ctx.services.phone_policy))


waiting_for_number, waiting_for_code = _waiting_for(NUMBER_STATE), _waiting_for(CODE_STATE)
cancelling = Filter("a cancel word", _cancelling)
plain_request = Filter("a plain request", is_plain_request)
replaying = Filter("a used code typed again", _replaying)


def _minutes(ctx: Context) -> int:
    return int(ctx.services.phone_policy.code_ttl.total_seconds() // 60)


def _code_replies(ctx: Context) -> list[dict]:
    t = ctx.t
    return [m.postback_action(t("phone.button.resend"), "phone_resend", display_text=t("phone.button.resend")),
            m.postback_action(t("phone.button.other"), "verify_phone", display_text=t("phone.button.other")),
            m.postback_action(t("phone.button.cancel"), "phone_cancel", display_text=t("phone.button.cancel"))]


def _cancel_reply(ctx: Context) -> list[dict]:
    return [m.postback_action(ctx.t("phone.button.cancel"), "phone_cancel", display_text=ctx.t("phone.button.cancel"))]


def _refusal(ctx: Context, refused: verification.Refused, replies: list[dict] | None = None) -> list[dict]:
    words = ctx.t(f"phone.refused.{refused.code}", minutes=_minutes(ctx), **refused.params)
    return [m.text_message(words, replies)]


@router.on_request("verify_phone")
@members_only
def ask_number(ctx: Context):
    if ctx.services.sms is None:
        return [m.text_message(ctx.t("phone.unavailable"))]
    conversation.set(ctx.session, ctx.event.user_id, NUMBER_STATE, {}, ctx.now, WAIT)
    return [m.text_message(ctx.t("phone.ask"), _cancel_reply(ctx))]


@router.on(TEXT & (waiting_for_number | waiting_for_code) & cancelling)
def cancel_words(ctx: Context):
    return cancel(ctx)


@router.on_postback("phone_cancel")
def cancel(ctx: Context):
    state = chat_state.waiting_for(ctx) if ctx.event.user_id else None
    if state is not None and state.name in (NUMBER_STATE, CODE_STATE):  # an old button leaves other waits alone
        conversation.clear(ctx.session, ctx.event.user_id)
    return [m.text_message(ctx.t("phone.cancelled"))]


@router.on(TEXT & waiting_for_number & ~plain_request)
@shows_loading  # the SMS gateway may take a moment
@members_only
def take_number(ctx: Context):
    if ctx.services.sms is None:
        return [m.text_message(ctx.t("phone.unavailable"))]
    services = ctx.services
    try:
        issued = verification.issue(ctx.session, ctx.member, ctx.event.text, ctx.now, services.phone_policy,
                                    services.phone_code_key)
    except verification.Refused as refused:
        return _refusal(ctx, refused, _cancel_reply(ctx))  # still waiting for a number
    return _send(ctx, issued)


@router.on_postback("phone_resend")
@shows_loading
@members_only
def resend(ctx: Context):
    if ctx.services.sms is None:
        return [m.text_message(ctx.t("phone.unavailable"))]
    try:
        issued = verification.resend(ctx.session, ctx.member, ctx.now, ctx.services.phone_policy,
                                     ctx.services.phone_code_key)
    except verification.Refused as refused:
        if refused.code == "no_code":
            return ask_number.run(ctx)
        return _refusal(ctx, refused, _code_replies(ctx))
    return _send(ctx, issued)


def _send(ctx: Context, issued: verification.Issued) -> list[dict]:
    text = ctx.t("phone.sms", code=issued.code, minutes=_minutes(ctx))
    if not delivery.send_code(ctx.session, ctx.services.sms, issued, text, ctx.now, ctx.member.id):
        conversation.set(ctx.session, ctx.event.user_id, NUMBER_STATE, {}, ctx.now, WAIT)
        return [m.text_message(ctx.t("phone.send_failed"), _code_replies(ctx))]
    conversation.set(ctx.session, ctx.event.user_id, CODE_STATE, {}, ctx.now, WAIT)
    return [m.text_message(ctx.t("phone.sent", masked=issued.phone.masked, minutes=_minutes(ctx)),
                           _code_replies(ctx))]


@router.on(TEXT & waiting_for_code & ~plain_request)
@members_only
def take_code(ctx: Context):
    return _check(ctx)


@router.on(TEXT & replaying & ~plain_request)
def code_again(ctx: Context):
    return _check(ctx)


def _check(ctx: Context) -> list[dict]:
    services = ctx.services
    try:
        verified = verification.check(ctx.session, ctx.member, ctx.event.text, ctx.now, services.phone_policy,
                                      services.phone_code_key, ctx.settings, services.order_claim_days)
    except verification.Refused as refused:
        if refused.code in ("taken", "replayed"):
            conversation.clear(ctx.session, ctx.event.user_id)
        if refused.code == "taken":
            t = ctx.t
            return _refusal(ctx, refused, [m.message_action(t("phone.button.person"), t("phone.person_words"))])
        return _refusal(ctx, refused, None if refused.code == "replayed" else _code_replies(ctx))
    conversation.clear(ctx.session, ctx.event.user_id)
    ctx.effects.append(SwitchRichMenu(member=True))  # the menu for a verified phone (and a claimed tier)
    replies = [m.text_message(ctx.t("phone.verified", masked=verified.phone.masked))]
    if verified.claimed:
        ctx.session.refresh(ctx.member)  # the claim moved points and tier in SQL
        replies.append(claimed_message(ctx, verified.claimed[-1]))
    return replies


def masked_phone(member) -> str | None:
    """The member's verified phone as the till reads it (0912-***-678), or None."""
    return phones.mask(member.phone) if member.phone_verified_at is not None else None
