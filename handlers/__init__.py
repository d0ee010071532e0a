"""Conversation features, one router per module. The order here is the order of precedence."""
from __future__ import annotations

from bot.dispatch import Router


def routers() -> list[Router]:
    from . import (account, account_link, birthday, claims, conversation, coupons, membership, news, phone, preferences,
                   staff_link, survey)
    from . import help as help_module
    from . import survey

    # a staff member's link code first, then a claim code: each is only ever that; then a chat handed to staff (kept for
    # them, not answered); then a pending survey comment or a phone number or SMS code being verified: while the bot
    # waits for one, free text is that
    return [staff_link.router, claims.router, conversation.first, survey.comment_router, phone.router, membership.router,
            birthday.router, preferences.router, account.router, account_link.router, coupons.router, news.router,
            survey.router, help_module.router,
            conversation.last, help_module.fallback]
