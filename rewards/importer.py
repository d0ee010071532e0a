"""Bulk import of orders (e.g. a POS's CSV export after an outage), through `record_order`.

Each row is its own unit of work, opened by the caller's `run` (core.db's `db.run`: committed when
the row's work returns, rolled back when it raises; this module never commits). A bad line is
reported with its line number and never stops the rest; a re-run of the same file changes nothing
(rows come back as `unchanged`).
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
from .orders import OrderInput, OrderResult, parse_order, record_order
from .settings import ProgramSettings
from .timeutil import require_aware

log = logging.getLogger(__name__)

COLUMNS = ("channel", "order_id", "member_code", "amount", "placed_at", "store_id", "items")
REQUIRED_COLUMNS = ("channel", "order_id", "member_code", "amount", "placed_at")

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
                  *, start_line: int = 2, progress_every: int = 100) -> ImportSummary:
    """Record every row as an order. Rows are mappings with the API's fields (channel, order_id,
    member_code, amount, placed_at as ISO 8601 with offset, store_id, items as a JSON string or
    empty), or (line_number, mapping) pairs such as `csv_rows` gives. Rows given without numbers are
    numbered from `start_line` (2: the first line after a CSV header). `progress(processed, summary)`
    is called every `progress_every` rows and at the end."""
    require_aware(now)
    summary = ImportSummary()
    reported = -1
    for line, row in _numbered(rows_iterable, start_line):
        _import_one(run, line, row, now, settings, summary)
        if progress is not None and summary.processed % max(1, progress_every) == 0:
            progress(summary.processed, summary)
            reported = summary.processed
    if progress is not None and reported != summary.processed:
        progress(summary.processed, summary)
    return summary


def _record(session: Session, data: OrderInput, now: datetime, settings: ProgramSettings) -> OrderResult:
    member = session.scalar(select(Member).where(Member.member_code == data.member_code))
    if member is None:
        raise MemberNotFound(message=f"member_code {data.member_code!r}: no such member")
    return record_order(session, member, data.channel, data.order_id, data.amount, data.placed_at,
                        data.store_id, data.items, now, settings)


def _import_one(run: UnitOfWork, line: int, row: Any, now: datetime, settings: ProgramSettings,
                summary: ImportSummary) -> None:
    try:
        data = parse_order(row if isinstance(row, Mapping) else None)
    except FieldErrors as exc:
        summary.errors.append((line, exc.message))
        return
    try:
        result = run(lambda session: _record(session, data, now, settings))
    except OrderConflict:
        summary.conflicts += 1
        summary.conflict_lines.append(
            (line, f"order {data.channel}:{data.order_id} was recorded before with different content"))
        return
    except (DomainError, FieldErrors) as exc:
        summary.errors.append((line, exc.message))
        return
    except Exception as exc:  # noqa: BLE001 - one bad line never stops the rest
        log.warning("import line %s failed: %s", line, type(exc).__name__)
        summary.errors.append((line, f"could not be saved ({type(exc).__name__})"))
        return
    if result.created:
        summary.created += 1
        summary.points_credited += result.points_earned
    else:
        summary.unchanged += 1
