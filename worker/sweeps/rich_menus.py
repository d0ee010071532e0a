"""Members whose tier or verified phone changed (an order through the API, the yearly review, a
claim) are moved to the rich menu that now fits them, through LINE's bulk link (bot/richmenu/menus.py)."""
from __future__ import annotations

from bot.richmenu import menus as rich_menus


def run(rt, now) -> str:
    linked, not_linked = rich_menus.sync(rt.db, rt.line)
    return f"moved {linked} members to the menu that fits them" + (f" ({not_linked} not: see the log)" if not_linked else "")
