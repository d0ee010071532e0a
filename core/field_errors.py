"""The one error for input that does not pass: every bad field named at once, each with a code.

    raise FieldErrors({"name": "a name of 1-200 characters is required", "cost": "a positive number"})
    raise FieldErrors.one("birthday", "a birthday cannot be in the future", code="future")

`problems` maps each bad field to what is wrong with it, in English: the API answers it as its
`fields` (422, code "invalid"), the console shows it beside the form, the CLI prints it. `codes` maps
each field to a stable code ("invalid" unless the raiser says more) for an edge that words the
problem itself: the chat maps codes to bot/texts.py keys.
"""
from __future__ import annotations

from typing import Mapping


class FieldErrors(ValueError):
    code = "invalid"
    http_status = 422

    def __init__(self, problems: Mapping[str, str], codes: Mapping[str, str] | None = None):
        self.problems = dict(problems)
        self.codes = {name: (codes or {}).get(name, "invalid") for name in self.problems}
        super().__init__(self.message)

    @classmethod
    def one(cls, field: str, problem: str, code: str = "invalid") -> "FieldErrors":
        return cls({field: problem}, {field: code})

    @property
    def message(self) -> str:
        return "; ".join(f"{k}: {v}" for k, v in self.problems.items()) or "invalid input"
