"""Pieces several handlers share: the join invitation, the members-only guard, standard quick replies."""
from __future__ import annotations

from functools import wraps

from bot import messages as m
from bot.dispatch import Context


def join_button_bubble(ctx: Context) -> dict:
    t = ctx.t
    return m.flex_message(
        t("welcome.alt"),
        m.flex_bubble(
            body=[m.flex_text(t("welcome.title"), size="xl", weight="bold"),
                  m.flex_text(t("welcome.body"), size="sm", color="#555555")],
            footer=[m.flex_button(m.postback_action(t("button.join"), "join", display_text=t("button.join"))),
                    m.flex_button(m.uri_action(t("welcome.privacy"), ctx.settings.privacy_url), style="link")],
        ),
    )


def invite_to_join(ctx: Context) -> list[dict]:
    return [m.text_message(ctx.t("invite_join")), join_button_bubble(ctx)]


def members_only(handler):
    """Answer non-members with an invitation to join instead of running the handler."""

    @wraps(handler)
    def guarded(ctx: Context):
        if ctx.member is None or not ctx.member.is_member:
            return invite_to_join(ctx)
        return handler(ctx)

    return guarded


def standard_quick_replies(ctx: Context) -> list[dict]:
    t = ctx.t
    if ctx.member is None or not ctx.member.is_member:
        return [m.postback_action(t("qr.join"), "join", display_text=t("qr.join")),
                m.message_action(t("qr.help"), t("qr.help"))]
    return [m.message_action(t("qr.points"), t("qr.points")), m.message_action(t("qr.help"), t("qr.help"))]
