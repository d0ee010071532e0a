"""The console's one seam into bot/: what a member reads, rendered by the chat's own code, and what
the bot understands of members' words.

The console shows staff the exact messages and words members get (a broadcast's bubbles in both
languages, a points ledger row in the member's language), so it renders them here instead of with a
copy of bot/'s renderers. Its unanswered list groups misses by meaning and offers what they may
mean with the bot's own understanding (bot/understanding/), the same the chat uses.
"""
from __future__ import annotations

from typing import Any, Mapping

from rewards.settings import ProgramSettings

from sqlalchemy.orm import Session

from . import broadcast_messages
from .understanding import current, grouping
from .ledger_lines import ledger_line as _ledger_line
from .texts import Texts


def broadcast_preview(params: dict, language: str, settings: ProgramSettings) -> list[dict]:
    return broadcast_messages.render(params, Texts(language), settings)


def ledger_line(reason_code: str, reason_params: Mapping[str, Any] | None, language: str) -> str:
    return _ledger_line(reason_code, reason_params, Texts(language))


def group_misses(session: Session, new: list[tuple[int, str]], groups: dict[int, list[str]]) -> dict[int, int]:
    """A group key for each new miss: the open group it means the same as, or its own id."""
    return grouping.assign(current.model_for(session), new, groups)


def meanings(session: Session, wordings: list[str]) -> list[list[str]]:
    """For each wording, the labels it is nearest to ("points", "faq:faq-parking"), nearest first."""
    model = current.model_for(session)
    return [grouping.suggestions(model, w) for w in wordings]


def faqs(session: Session):
    """The active faqs as understanding knows them (slug, titles)."""
    return current.model_for(session).catalog.faqs
