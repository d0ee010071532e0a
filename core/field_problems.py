"""One error for staff input that does not pass: every bad field named at once, for the form to show."""
from __future__ import annotations


class FieldProblems(ValueError):
    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))
