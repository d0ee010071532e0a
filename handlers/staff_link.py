"""A staff member links their LINE account by sending the one-time code the console shows."""
from __future__ import annotations

from bot import messages as m
from bot.dispatch import Context, Router
from messaging import staff_link

router = Router("staff_link")


@router.on(lambda ctx: ctx.event.type == "message" and staff_link.code_in(ctx.event.text) is not None)
def link(ctx: Context):
    outcome = staff_link.redeem(ctx.session, staff_link.code_in(ctx.event.text), ctx.event.user_id, ctx.now)
    if outcome.retry_in is not None:
        return [m.text_message(ctx.t("staff_link.too_many", minutes=staff_link.retry_minutes(outcome)))]
    return [m.text_message(ctx.t("staff_link.done" if outcome.linked else "staff_link.unknown"))]
