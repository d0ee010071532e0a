"""Conversation features, one router per module. The order here is the order of precedence."""
from __future__ import annotations

from bot.dispatch import Router


def routers() -> list[Router]:
    from . import account, birthday, coupons, membership, preferences
    from . import help as help_module

    return [membership.router, birthday.router, preferences.router, account.router, coupons.router,
            help_module.router, help_module.fallback]
