"""A member's own account: member card, points, tier, points history, referral code."""
from __future__ import annotations

from bot.understanding.phrase_matcher import referral_code_in
from bot import messages as m
from bot.texts import tier_benefits
from bot.dispatch import Context, Router, shows_loading
from bot.ledger_lines import ledger_line
from core import formats as fmt
from rewards import ledger, referral, tiers
from rewards.errors import DomainError

from .common import members_only, standard_quick_replies
from .phone import masked_phone

router = Router("account")


def _expiring_line(ctx: Context, key: str) -> str | None:
    soon = ledger.expiring_next(ctx.session, ctx.member, ctx.now)
    if soon is None:
        return None
    points, last_day = soon
    return ctx.t(key, points=fmt.number(points), date=fmt.day(last_day, ctx.t.language))


@router.on_request("points")
@members_only
def points(ctx: Context):
    member, t = ctx.member, ctx.t
    tier = ctx.settings.tier(member.tier)
    lines = [t("points.balance", balance=fmt.number(member.balance), tier=tier.name(t.language)),
             _expiring_line(ctx, "points.expiring") or t("points.none_expiring"),
             t("points.how_to_earn", spend=fmt.money(ctx.settings.spend_per_point), tier=tier.name(t.language),
               multiplier=fmt.multiplier(tier.multiplier_pct))]
    if member.points_debt:  # refunds of points already spent: owed, and repaid from the next points earned
        lines.insert(1, t("points.owed", points=fmt.number(member.points_debt)))
    return [m.text_message("\n".join(lines), standard_quick_replies(ctx))]


@router.on_request("member_card")
@shows_loading
@members_only
def member_card(ctx: Context):
    member, t = ctx.member, ctx.t
    status = tiers.tier_status(ctx.session, member, ctx.now, ctx.settings)
    tier_name = status.tier.name(t.language)
    progress = (t("card.progress", spend=fmt.money(status.spend_to_next), tier=status.next_tier.name(t.language))
                if status.next_tier else t("card.top"))
    rows = [
        m.flex_box([m.flex_text(t("card.points"), size="sm", color="#888888", flex=2),
                    m.flex_text(fmt.number(member.balance), size="xl", weight="bold", flex=3, align="end")],
                   layout="horizontal"),
        m.flex_box([m.flex_text(t("card.tier"), size="sm", color="#888888", flex=2),
                    m.flex_text(tier_name, size="md", weight="bold", flex=3, align="end")], layout="horizontal"),
        m.flex_text(progress, size="sm", color="#555555"),
    ]
    expiring = _expiring_line(ctx, "card.expiring")
    if expiring:
        rows.append(m.flex_text(expiring, size="sm", color="#c0392b"))
    masked = masked_phone(member)
    rows.append(m.flex_box([m.flex_text(t("card.phone"), size="sm", color="#888888", flex=2),
                            m.flex_text(masked, size="md", flex=3, align="end")], layout="horizontal")
                if masked else m.flex_text(t("card.phone_none"), size="xs", color="#888888", wrap=True))
    rows += [m.flex_text(f"{t('card.code')}: {member.member_code}", size="md", weight="bold", align="center"),
             m.flex_text(t("card.show_at_counter"), size="xs", color="#888888", align="center")]
    qr = ctx.services.qr_url(member.member_code, ctx.now) if ctx.services.qr_url else None
    hero = {"type": "image", "url": qr, "size": "full", "aspectRatio": "1:1", "aspectMode": "fit"} if qr else None
    footer = []
    if ctx.services.card_page_url:  # the card page: its code changes every few minutes, so a screenshot fails
        footer.append(m.flex_button(m.uri_action(t("card.open_page"), ctx.services.card_page_url)))
    if not masked:
        footer.append(m.flex_button(m.postback_action(t("card.phone_verify"), "verify_phone",
                                                      display_text=t("card.phone_verify")), style="link"))
    bubble = m.flex_bubble(header=[m.flex_text(f"{t('card.title')} · {member.display_name or ''}", weight="bold")],
                           hero=hero, body=rows, footer=footer or None)
    return [m.flex_message(t("card.alt", balance=fmt.number(member.balance), tier=tier_name), bubble,
                           standard_quick_replies(ctx))]


@router.on_request("tier")
@members_only
def tier(ctx: Context):
    t = ctx.t
    status = tiers.tier_status(ctx.session, ctx.member, ctx.now, ctx.settings)
    name = status.tier.name(t.language)
    lines = [t("tier.current", tier=name, spend=fmt.money(status.spend), benefits=tier_benefits(status.tier, ctx.settings.spend_per_point, t.language))]
    if status.next_tier:
        lines.append(t("tier.next", spend=fmt.money(status.spend_to_next), tier=status.next_tier.name(t.language),
                       multiplier=fmt.multiplier(status.next_tier.multiplier_pct)))
    else:
        lines.append(t("tier.top"))
    if status.tier.threshold > 0:
        review = fmt.day(status.next_review, t.language)
        lines.append(t("tier.kept", tier=name, date=review) if status.keeps_tier else
                     t("tier.keep", tier=name, date=review, spend=fmt.money(status.spend_to_keep)))
    return [m.text_message("\n".join(lines), standard_quick_replies(ctx))]


@router.on_request("history")
@shows_loading
@members_only
def history(ctx: Context):
    t = ctx.t
    rows = ledger.history(ctx.session, ctx.member, limit=10)
    if not rows:
        return [m.text_message(t("history.none"))]
    lines = [t("history.title")] + [
        t("history.line", date=fmt.day(row.created_at, t.language, ctx.now.tzinfo), delta=fmt.signed(row.delta),
          reason=ledger_line(row.reason_code, row.reason_params, t))
        for row in rows]
    if ctx.member.points_debt:
        lines.append(t("points.owed", points=fmt.number(ctx.member.points_debt)))
    return [m.text_message("\n".join(lines), standard_quick_replies(ctx))]


# why a referral code cannot be linked (DomainError.code) -> what the member reads
REFERRAL_TEXTS = {
    "referral_code_not_found": "referral.not_found",
    "referral_self": "referral.self",
    "referral_already_linked": "referral.already",
    "referral_loop": "referral.loop",
    "referral_window_closed": "referral.window",
}


@router.on_request("referral")
@members_only
def referral_code(ctx: Context):
    t, settings = ctx.t, ctx.settings
    entered = referral_code_in(ctx.event.text or "")
    if entered:
        try:
            referral.link_referral(ctx.session, ctx.member, entered, ctx.now, settings)
        except DomainError as exc:
            if exc.code not in REFERRAL_TEXTS:
                raise
            return [m.text_message(t(REFERRAL_TEXTS[exc.code], days=settings.referral_link_days))]
        return [m.text_message(t("referral.linked", points=settings.referral_bonus_points))]
    code = referral.referral_code_for(ctx.session, ctx.member)
    return [m.text_message(t("referral.code", code=code, days=settings.referral_link_days,
                             points=settings.referral_bonus_points))]
