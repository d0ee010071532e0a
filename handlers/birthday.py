"""Birthday: offered right after joining, set once with LINE's date picker, shown afterwards."""
from __future__ import annotations

from bot import engagement_messages as em
from bot import messages as m
from bot.dispatch import Context, Router
from bot.texts import coupon_titles
from core.field_errors import FieldErrors
from messaging import birthday as birthday_gifts
from rewards import membership

from .common import members_only

router = Router("birthday")


def birthday_offer(ctx: Context) -> dict:
    """The picker: date mode, no future dates; the year only helps the person scroll."""
    t = ctx.t
    today = ctx.now.date().isoformat()
    return m.text_message(t("birthday.offer"), [
        m.date_picker_action(t("birthday.pick"), "birthday_set", initial="1990-01-01", max_date=today,
                             min_date="1900-01-01"),
        m.postback_action(t("birthday.skip"), "birthday_skip", display_text=t("birthday.skip")),
    ])


@router.on_request("birthday")
@members_only
def birthday(ctx: Context):
    member = ctx.member
    if member.birthday_month is None:
        return [birthday_offer(ctx)]
    return [m.text_message(ctx.t("birthday.show", month=member.birthday_month, day=member.birthday_day) + "\n"
                           + ctx.t("birthday.locked"))]


@router.on_postback("birthday_set")
@members_only
def birthday_set(ctx: Context):
    try:
        month, day = membership.parse_birthday(ctx.event.postback_params.get("date"), ctx.now.date())
        membership.set_birthday(ctx.member, month, day)
    except FieldErrors as exc:
        if exc.codes["birthday"] == "locked":
            return [m.text_message(ctx.t("birthday.locked"))]
        return [birthday_offer(ctx) | {"text": ctx.t("birthday.invalid")}]  # not a date, future, too old
    saved = [m.text_message(ctx.t("birthday.saved", month=month, day=day))]
    return saved + birthday_gift_now(ctx)


def birthday_gift_now(ctx: Context) -> list[dict]:
    """The birthday card, if the member's birth month is now and this year's gift is not given yet."""
    gift = birthday_gifts.give_now(ctx.session, ctx.member, ctx.now, ctx.settings, coupon_titles, push=False)
    return [em.birthday_card(gift, ctx.t)] if gift else []


@router.on_postback("birthday_skip")
def birthday_skip(ctx: Context):
    return [m.text_message(ctx.t("birthday.skipped"))]
