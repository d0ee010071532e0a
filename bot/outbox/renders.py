"""Rendering for the outbox sender: each distinct (kind, params, language) once per drain, not once
per recipient (a broadcast's rows mostly say the same thing)."""
from __future__ import annotations

import json

from rewards.settings import ProgramSettings

from ..aggregation_units import unit_of
from ..notice_messages import RenderError, render
from .batches import message_key

KEEP = 10_000  # distinct renders kept (personalised messages are each their own)


class Renders:
    def __init__(self, settings: ProgramSettings, default_language: str = "zh-TW"):
        self.settings = settings
        self.default_language = default_language
        self._done: dict[tuple, tuple[list[dict], str] | RenderError] = {}
        self._rows: dict[tuple, tuple[list[dict], str, str | None]] = {}

    def get(self, kind: str, params_json: str | None, language: str) -> tuple[list[dict], str]:
        """The LINE messages for a row's kind and params (its JSON text as stored), and their
        message_key; raises RenderError as `render` does."""
        key = (kind, params_json, language)
        found = self._done.get(key)
        if found is None:
            if len(self._done) >= KEEP:
                self._done.clear()
            try:
                messages = render(kind, json.loads(params_json) if params_json else None, language, self.settings)
                found = (messages, message_key(messages))
            except RenderError as exc:
                found = exc
            self._done[key] = found
        if isinstance(found, RenderError):
            raise found
        return found

    def for_row(self, row, language: str | None) -> tuple[list[dict], str, str | None]:
        """`get` for an outbox row (its kind, params_json and to_user_id) in the member's language
        (None: the default), with the row's aggregation unit: one look-up per row."""
        key = (row.kind, row.params_json, language, row.to_user_id is None)
        found = self._rows.get(key)
        if found is None:
            if len(self._rows) >= KEEP:
                self._rows.clear()
            found = (*self.get(row.kind, row.params_json, language or self.default_language), unit_of(row))
            self._rows[key] = found
        return found
