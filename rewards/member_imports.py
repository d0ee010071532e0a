"""Members moved in from another programme: a CSV of records, each an unclaimed member record.

Every line (rewards/member_rows.py) becomes, keyed by (source, external_id):
* a `members` row with status `imported` and no LINE user id, holding the name, the phone (E.164,
  not verified), the birthday's month and day, the tier and `tier_until`, when they joined, their
  marketing consent and their balance;
* its opening ledger row (kind `adjust`, reason `import_opening`, key `import:{source}:{external_id}`),
  one lot of the whole balance, valid `points_valid_months` from the import;
* a `member_imports` row with the email and the claim code printed for the person
  (rewards/claims.py claims the record by that code or by a verified phone).

Set-based: the good lines are written CHUNK_SIZE at a time, one unit of work per chunk: their ids
taken from the sequence, then three bulk writes (core.bulk.insert_rows: COPY on PostgreSQL), no ORM
object per row. A line already imported under
the same key is `unchanged`: a re-run changes nothing. A chunk that fails (a code drawn twice, or
another import racing this one) is tried again with fresh codes. `dry_run` checks every line and
reads which are new, writing nothing.
"""
from __future__ import annotations

import codecs
import csv
import io
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, Iterable, Iterator, Mapping, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.bulk import insert_rows, new_ids
from core.field_errors import FieldErrors

from . import codes
from .ledger import points_expiry
from .member_rows import COLUMNS, MemberRow, parse
from .models import Member, MemberImport, PointsLedger
from .settings import ProgramSettings
from core.timeutil import require_aware

log = logging.getLogger(__name__)

CHUNK_SIZE = 5000
MEMBER_CODE_LENGTH = 8
# ~49 bits: with guessing limited per LINE user (rewards/claims.py) no one finds a code by trying
CLAIM_CODE_LENGTH = 10
SOURCE_MAX = 40
OPENING_REASON = "import_opening"
ENCODINGS = {"utf-8": "utf-8-sig", "utf8": "utf-8-sig", "utf-8-sig": "utf-8-sig", "big5": "cp950",
             "cp950": "cp950", "big5-hkscs": "big5hkscs"}

T = TypeVar("T")
UnitOfWork = Callable[[Callable[[Session], T]], T]


class FileError(ValueError):
    """The file as a whole cannot be read (encoding, header): nothing of it was imported."""


@dataclass
class MemberImportSummary:
    created: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, what is wrong)
    points_opened: int = 0
    dry_run: bool = False

    @property
    def processed(self) -> int:
        return self.created + self.unchanged + len(self.errors)


def check_source(source: str) -> str:
    name = (source or "").strip()
    if not name or len(name) > SOURCE_MAX or ":" in name:
        raise FieldErrors.one("source", f"a name of 1-{SOURCE_MAX} characters without ':' is required")
    return name


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """(text, encoding read) of a file: UTF-8 (with or without BOM) or Big5 (cp950, what Excel in
    Taiwan writes), found out unless `encoding` is given. FileError for anything else."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:4096]:
        raise FileError("a UTF-16 or binary file, not UTF-8 or Big5 text: save it as CSV UTF-8")
    if encoding:
        try:
            name = ENCODINGS.get(encoding.lower(), codecs.lookup(encoding).name)
        except LookupError:
            raise FileError(f"unknown encoding {encoding!r} (use utf-8 or big5)") from None
        try:
            return data.decode(name), name
        except UnicodeDecodeError as exc:
            raise FileError(f"not a {encoding} file: byte {exc.start} cannot be read as {encoding}") from None
    for name in ("utf-8-sig", "cp950"):
        try:
            return data.decode(name), name
        except UnicodeDecodeError:
            continue
    raise FileError("neither UTF-8 nor Big5 (cp950): save the file as CSV UTF-8, or give --encoding")


def csv_rows(text: str) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) of a CSV with a header naming COLUMNS; FileError if one is missing."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [(h or "").strip().lstrip("\ufeff").lower() for h in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise FileError(f"missing column(s): {', '.join(missing)} (expected: {','.join(COLUMNS)})")
    reader.fieldnames = header
    line = reader.line_num + 1
    for row in reader:
        yield line, row
        line = reader.line_num + 1


def import_members(run: UnitOfWork, source: str, rows: Iterable[tuple[int, Mapping[str, str]]], now: datetime,
                   settings: ProgramSettings, *, dry_run: bool = False, chunk_size: int = CHUNK_SIZE,
                   progress: Callable[[int, MemberImportSummary], None] | None = None) -> MemberImportSummary:
    """Import every good line of `rows` as an unclaimed member record under `source` (see the
    module's doc); each bad line is reported with its number and never stops the rest."""
    require_aware(now)
    source = check_source(source)
    summary = MemberImportSummary(dry_run=dry_run)
    known = run(lambda session: _known(session, source))
    first_line: dict[str, int] = {}
    chunk: list[MemberRow] = []
    for line, raw in rows:
        try:
            row = parse(raw, now, settings)
        except FieldErrors as exc:
            summary.errors.append((line, exc.message))
            continue
        if row.external_id in first_line:
            summary.errors.append((line, f"external_id {row.external_id!r} appears again "
                                         f"(first on line {first_line[row.external_id]})"))
            continue
        first_line[row.external_id] = line
        chunk.append(row)
        if len(chunk) >= chunk_size:
            _chunk(run, source, chunk, known, now, settings, summary, dry_run)
            chunk = []
            if progress is not None:
                progress(summary.processed, summary)
    _chunk(run, source, chunk, known, now, settings, summary, dry_run)
    if progress is not None:
        progress(summary.processed, summary)
    summary.errors.sort()
    return summary


def _chunk(run: UnitOfWork, source: str, chunk: list[MemberRow], known: set[str], now: datetime,
           settings: ProgramSettings, summary: MemberImportSummary, dry_run: bool) -> None:
    if not chunk:
        return
    new = [r for r in chunk if r.external_id not in known]
    if new and not dry_run:
        for attempt in (1, 2, 3):
            try:
                run(lambda session: write_chunk(session, source, new, now, settings))
                break
            except Exception as exc:  # noqa: BLE001 - a code drawn twice or a racing import: once more
                if attempt == 3:
                    raise
                log.warning("member import chunk failed (%s); trying it again", type(exc).__name__)
                known |= run(lambda session: _known(session, source))
                new = [r for r in chunk if r.external_id not in known]
        known.update(r.external_id for r in new)
    summary.created += len(new)
    summary.unchanged += len(chunk) - len(new)
    summary.points_opened += sum(r.balance for r in new)


def _known(session: Session, source: str) -> set[str]:
    """The external ids imported under `source` so far (read once: cheaper than a look-up per chunk)."""
    return set(session.scalars(select(MemberImport.external_id).where(MemberImport.source == source)))


def _codes(count: int, length: int, prefix: str = "") -> list[str]:
    """`count` distinct random codes. One the database holds already makes the chunk's INSERT fail
    on its unique key, and the chunk is written again with fresh codes (`_chunk`): rarer than one
    chunk in a hundred with a million records, so no look-up first."""
    drawn: list[str] = []
    while len(drawn) < count:
        drawn = list(dict.fromkeys(drawn + [prefix + c for c in codes.random_codes(count - len(drawn), length)]))
    return drawn


def write_chunk(session: Session, source: str, new: list[MemberRow], now: datetime,
                settings: ProgramSettings) -> None:
    """Record the rows of `new`, none imported before (set-based, see the module's doc); a unique key
    taken (another import racing this one) raises."""
    member_ids = new_ids(session, Member.__table__, len(new))
    member_codes = _codes(len(new), MEMBER_CODE_LENGTH, prefix="M")
    claim_codes = _codes(len(new), CLAIM_CODE_LENGTH)
    insert_rows(session, Member.__table__, [_member_values(i, r, code, now)
                                            for i, r, code in zip(member_ids, new, member_codes)])
    insert_rows(session, MemberImport.__table__, [
        dict(source=source, external_id=r.external_id, member_id=i, member_code=code, email=r.email, claim_code=claim,
             imported_at=now)
        for i, r, code, claim in zip(member_ids, new, member_codes, claim_codes)])
    expires_at = points_expiry(now, settings)
    insert_rows(session, PointsLedger.__table__, [
        dict(member_id=i, delta=r.balance, kind="adjust", reason="", reason_code=OPENING_REASON,
             reason_params={"source": source, "external_id": r.external_id, "points": r.balance},
             idempotency_key=f"import:{source}:{r.external_id}", created_at=now, expires_at=expires_at,
             remaining=r.balance, actor=f"import:{source}", shortfall=0, debt_delta=0)
        for i, r in zip(member_ids, new)])


def _member_values(member_id: int, row: MemberRow, code: str, now: datetime) -> dict:
    """The record's members row (the columns left out are null or their server default)."""
    month, day = row.birthday or (None, None)
    return dict(id=member_id, member_code=code, display_name=row.name, language="zh-TW", status="imported",
                is_blocked=False, joined_at=row.joined_at, marketing_opt_in=row.marketing_consent,
                opt_in_changed_at=now if row.marketing_consent else None, birthday_month=month, birthday_day=day,
                phone=row.phone, tier=row.tier, tier_since=row.joined_at, tier_until=row.tier_until,
                balance=row.balance, tags=[], created_at=now)


# -- reading ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SourceCounts:
    source: str
    claimed: int
    unclaimed: int
    erased: int


def counts(session: Session) -> list[SourceCounts]:
    """How many records of each source are claimed, still unclaimed, and erased unclaimed."""
    claimed = func.count(MemberImport.claimed_at)
    erased = func.count(MemberImport.erased_at)
    rows = session.execute(select(MemberImport.source, func.count(), claimed, erased)
                           .group_by(MemberImport.source).order_by(MemberImport.source)).all()
    return [SourceCounts(source, int(c), int(total) - int(c) - int(e), int(e)) for source, total, c, e in rows]


def claim_codes(session: Session, source: str) -> list[tuple[str, str | None, str]]:
    """(external_id, name, claim code) of every record of `source` still to claim, for printing."""
    return [tuple(row) for row in session.execute(
        select(MemberImport.external_id, Member.display_name, MemberImport.claim_code)
        .join(Member, Member.id == MemberImport.member_id)
        .where(MemberImport.source == source, MemberImport.claimed_at.is_(None), MemberImport.erased_at.is_(None))
        .order_by(MemberImport.id))]


def shown_code(code: str) -> str:
    """A claim code as printed: two groups of five."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"
