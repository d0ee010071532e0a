"""A member types the claim code printed for them ("領取 ABCDE-FGHJK", "claim ABCDE-FGHJK", or the bare
code) and the membership moved in from another programme joins their LINE member (rewards/claims.py)."""
from __future__ import annotations

from bot import messages as m
from bot.dispatch import Context, Router, SwitchRichMenu
from core import formats as fmt
from core.attempts import minutes_left
from rewards import claims, membership

router = Router("claims")


@router.on(lambda ctx: ctx.event.type == "message" and claims.code_in(ctx.event.text) is not None)
def claim(ctx: Context):
    member = ctx.member or membership.get_or_create(ctx.session, ctx.event.user_id, ctx.now, ctx.t.language)
    was_member = member.is_member
    if claims.is_bare_code(ctx.event.text):  # a code says nothing of the language: the member's own
        ctx.use_language(member.language)
    outcome = claims.claim_by_code(ctx.session, member, claims.code_in(ctx.event.text), ctx.now, ctx.settings)
    if outcome.retry_in is not None:
        return [m.text_message(ctx.t("claim.too_many", minutes=minutes_left(outcome.retry_in)))]
    if outcome.already:
        return [m.text_message(ctx.t("claim.already"))]
    if outcome.claimed is None:
        return [m.text_message(ctx.t("claim.unknown"))]
    ctx.session.refresh(member)
    ctx.member = member
    if member.is_member and not was_member:
        ctx.effects.append(SwitchRichMenu(member=True))
    return [claimed_message(ctx, outcome.claimed)]


def claimed_message(ctx: Context, got: claims.Claimed) -> dict:
    """What the member reads once a membership moved in is theirs (by its code, or by their phone);
    `ctx.member` read again since the claim."""
    return m.text_message(ctx.t("claim.done", source=got.source, points=fmt.number(got.points),
                                tier=ctx.settings.tier(got.tier).name(ctx.t.language),
                                balance=fmt.number(ctx.member.balance)))
