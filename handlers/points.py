"""Points balance and tier, asked in free words."""
from __future__ import annotations

from bot import messages as m
from bot.dispatch import Context, Router

from .common import members_only, standard_quick_replies

router = Router("points")


@router.on_intent("points")
@router.on_postback("points")
@members_only
def points(ctx: Context):
    member, t = ctx.member, ctx.t
    tier = ctx.settings.tier(member.tier)
    lines = [t("points.balance", balance=f"{member.balance:,}", tier=tier.name(t.language)),
             t("points.how_to_earn", spend=ctx.settings.spend_per_point, tier=tier.name(t.language),
               multiplier=f"{tier.multiplier_pct / 100:g}")]
    return [m.text_message("\n".join(lines), standard_quick_replies(ctx))]
