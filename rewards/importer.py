"""Bulk import of orders (a POS's CSV export after an outage, a shop's history moved in).

Every row is checked (`OrderInput.parse`) on its own; the good ones are recorded a chunk at a time
by `rewards.order_batches.record_chunk` (set-based, the same results as `record_order` one by one),
each chunk one unit of work opened by the caller's `run` (core.db's `db.run`: committed when the
work returns, rolled back when it raises; this module never commits). A chunk that cannot be
recorded at once (another writer raced it) is recorded one order per unit of work through
`record_order`. A bad line is reported with its line number and never stops the rest; a re-run of
the same file changes nothing (rows come back as `unchanged`).
"""
from __future__ import annotations

import csv
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Iterable, Iterator, Mapping, TextIO, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.field_errors import FieldErrors

from .errors import DomainError, MemberNotFound, OrderConflict
from .models import Member
from .order_input import OrderInput
from .order_batches import Outcome, record_chunk
from .orders import OrderResult, record_order
from .settings import ProgramSettings
from core.timeutil import require_aware

log = logging.getLogger(__name__)

COLUMNS = ("channel", "order_id", "member_code", "amount", "placed_at", "store_id", "items")
REQUIRED_COLUMNS = ("channel", "order_id", "member_code", "amount", "placed_at")
CHUNK_SIZE = 5000  # orders per unit of work

T = TypeVar("T")
# runs `work(session)` as one unit of work and returns what it returned (core.db.Database.run)
UnitOfWork = Callable[[Callable[[Session], T]], T]


@dataclass
class ImportSummary:
    created: int = 0
    unchanged: int = 0
    conflicts: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)           # (line, what is wrong)
    conflict_lines: list[tuple[int, str]] = field(default_factory=list)   # (line, which order)
    points_credited: int = 0

    @property
    def processed(self) -> int:
        return self.created + self.unchanged + self.conflicts + len(self.errors)


def csv_rows(stream: TextIO) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, row) pairs from a CSV with a header row; the line number is where the row
    starts in the file. Raises FieldErrors (on `header`) if a required column is missing."""
    reader = csv.DictReader(stream)
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise FieldErrors.one("header", "missing column(s): " + ", ".join(missing))
    reader.fieldnames = header
    line = reader.line_num + 1
    for row in reader:
        yield line, row
        line = reader.line_num + 1


def _numbered(rows: Iterable[Any], start_line: int) -> Iterator[tuple[int, Any]]:
    for index, item in enumerate(rows):
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], int):
            yield item
        else:
            yield start_line + index, item


def import_orders(run: UnitOfWork, rows_iterable: Iterable[Any], now: datetime,
                  settings: ProgramSettings, progress: Callable[[int, ImportSummary], None] | None = None,
                  *, start_line: int = 2, chunk_size: int = CHUNK_SIZE, notify: bool = False) -> ImportSummary:
    """Record every row as an order. Rows are mappings with the API's fields (channel, order_id,
    member_code, amount, placed_at as ISO 8601 with offset, store_id, items as a JSON string or
    empty), or (line_number, mapping) pairs such as `csv_rows` gives. Rows given without numbers are
    numbered from `start_line` (2: the first line after a CSV header). Rows are checked one by one
    and recorded `chunk_size` at a time, a unit of work per chunk (`rewards.order_batches`);
    `progress(processed, summary)` is called after each chunk. Members get nothing queued for
    imported orders unless `notify` (history moved in must not message everyone)."""
    require_aware(now)
    summary = ImportSummary()
    chunk: list[tuple[int, OrderInput]] = []
    read = 0
    for line, row in _numbered(rows_iterable, start_line):
        read += 1
        try:
            chunk.append((line, OrderInput.parse(row if isinstance(row, Mapping) else None, now, settings,
                                                 from_text=True)))
        except FieldErrors as exc:
            summary.errors.append((line, exc.message))
        if read % chunk_size == 0:
            _import_chunk(run, chunk, now, settings, summary, notify)
            chunk = []
            if progress is not None:
                progress(summary.processed, summary)
    if read % chunk_size or read == 0:
        _import_chunk(run, chunk, now, settings, summary, notify)
        if progress is not None:
            progress(summary.processed, summary)
    summary.errors.sort()
    summary.conflict_lines.sort()
    return summary


def _import_chunk(run: UnitOfWork, chunk: list[tuple[int, OrderInput]], now: datetime, settings: ProgramSettings,
                  summary: ImportSummary, notify: bool) -> None:
    if not chunk:
        return
    try:
        outcomes = run(lambda session: record_chunk(session, chunk, now, settings, notify))
    except Exception as exc:  # noqa: BLE001 - the chunk is recorded one order at a time instead
        log.warning("import of lines %s-%s as one chunk failed (%s); recording them one by one",
                    chunk[0][0], chunk[-1][0], type(exc).__name__)
        for line, data in chunk:
            record_one(run, line, data, now, settings, summary, notify)
        return
    for outcome in outcomes:
        _count(summary, outcome)


def _count(summary: ImportSummary, outcome: Outcome) -> None:
    if outcome.kind == "created":
        summary.created += 1
        summary.points_credited += outcome.points
    elif outcome.kind == "unchanged":
        summary.unchanged += 1
    elif outcome.kind == "conflict":
        summary.conflicts += 1
        summary.conflict_lines.append((outcome.line, outcome.detail))
    else:
        summary.errors.append((outcome.line, outcome.detail))


def _record(session: Session, data: OrderInput, now: datetime, settings: ProgramSettings,
            notify: bool) -> OrderResult:
    member = session.scalar(select(Member).where(Member.member_code == data.member_code))
    if member is None:
        raise MemberNotFound(message=f"member_code {data.member_code!r}: no such member")
    return record_order(session, member, data, now, settings, notify=notify)


def record_one(run: UnitOfWork, line: int, data: OrderInput, now: datetime, settings: ProgramSettings,
                summary: ImportSummary, notify: bool) -> None:
    """One order in its own unit of work, through `record_order` (the API's path)."""
    try:
        result = run(lambda session: _record(session, data, now, settings, notify))
    except OrderConflict:
        _count(summary, Outcome(line, "conflict",
                                f"order {data.channel}:{data.order_id} was recorded before with different content"))
        return
    except (DomainError, FieldErrors) as exc:
        _count(summary, Outcome(line, "error", exc.message))
        return
    except Exception as exc:  # noqa: BLE001 - one bad line never stops the rest
        log.warning("import line %s failed: %s", line, type(exc).__name__)
        _count(summary, Outcome(line, "error", f"could not be saved ({type(exc).__name__})"))
        return
    _count(summary, Outcome(line, "created", points=result.points_earned) if result.created
           else Outcome(line, "unchanged"))
