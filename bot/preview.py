"""The console's one seam into bot/: what a member reads, rendered by the chat's own code.

The console shows staff the exact messages and words members get (a broadcast's bubbles in both
languages, a points ledger row in the member's language), so it renders them here instead of with a
copy of bot/'s renderers.
"""
from __future__ import annotations

from typing import Any, Mapping

from rewards.settings import ProgramSettings

from . import broadcast_messages
from .ledger_lines import ledger_line as _ledger_line
from .texts import Texts


def broadcast_preview(params: dict, language: str, settings: ProgramSettings) -> list[dict]:
    return broadcast_messages.render(params, Texts(language), settings)


def ledger_line(reason_code: str, reason_params: Mapping[str, Any] | None, language: str) -> str:
    return _ledger_line(reason_code, reason_params, Texts(language))
