"""A staff member links their LINE account by sending the one-time code the console shows."""
from __future__ import annotations

from bot import messages as m
from bot.dispatch import Context, Router
from messaging import staff_link

router = Router("staff_link")


@router.on(lambda ctx: ctx.event.type == "message" and staff_link.code_in(ctx.event.text) is not None)
def link(ctx: Context):
    done = staff_link.redeem(ctx.session, staff_link.code_in(ctx.event.text), ctx.event.user_id, ctx.now)
    return [m.text_message(ctx.t("staff_link.done" if done is not None else "staff_link.unknown"))]
