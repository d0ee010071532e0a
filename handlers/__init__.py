"""Conversation features, one router per module. The order here is the order of precedence."""
from __future__ import annotations

from bot.dispatch import Router


def routers() -> list[Router]:
    from . import help as help_module
    from . import membership, points

    return [membership.router, points.router, help_module.router, help_module.fallback]
