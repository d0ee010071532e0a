"""One way a console page refuses what staff asked: the work runs in the page's unit of work, and
when the domain refuses it (a field problem, a programme rule) everything it wrote so far is rolled
back and the refusal is handed to the page, which shows it with the fields as typed.

    with refusing(s, FieldErrors) as refused:
        saved = segments.save(s, ...)
    if refused:
        return builder(problems=refused.error.problems), 400
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

from sqlalchemy.orm import Session


@dataclass
class Refusal:
    error: Exception | None = None

    def __bool__(self) -> bool:
        return self.error is not None


@contextmanager
def refusing(session: Session, *refusals: type[Exception]) -> Iterator[Refusal]:
    refusal = Refusal()
    try:
        yield refusal
    except refusals as exc:
        session.rollback()
        refusal.error = exc
