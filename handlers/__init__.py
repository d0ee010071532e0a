"""Conversation features, one router per module. The order here is the order of precedence."""
from __future__ import annotations

from bot.dispatch import Router


def routers() -> list[Router]:
    from . import account, birthday, coupons, membership, news, preferences, staff_link, survey
    from . import help as help_module

    # a pending survey comment first: while the bot waits for one, free text is the comment
    # a staff member's link code first: it is only ever that
    return [staff_link.router, survey.comment_router, membership.router, birthday.router, preferences.router, account.router,
            coupons.router, news.router, survey.router, help_module.router, help_module.fallback]
