"""The console's one seam into bot/: what a broadcast will look like in LINE, in a given language.

The console shows staff the exact messages members will get, so it renders with the sender's own
renderer instead of a copy of it.
"""
from __future__ import annotations

from rewards.settings import ProgramSettings

from . import broadcast_messages
from .texts import Texts


def broadcast_preview(params: dict, language: str, settings: ProgramSettings) -> list[dict]:
    return broadcast_messages.render(params, Texts(language), settings)
