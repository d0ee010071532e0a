"""The file library into `content_items`: add new files, update changed ones, retire removed ones.

The files are only the seed; the database is the source of truth once an item is in it:

* a file whose slug is not in the database yet is added (its first load);
* an item staff edited in the console (`edited_at`) is never written by a file again: not by a
  change of its file, not by its file's removal, not by a restart or `flask --app app content sync`
  (each sync lists it as kept);
* an item nobody edited still follows its file, so a shipped correction arrives: an item whose file
  is unchanged (same sha256) is not touched (a sync with nothing new reads one small query and
  writes nothing), a changed file updates it, and an item whose file is gone is retired, never
  deleted (messages already sent may point at it); it comes back if the file does. Staff retiring a
  file item in the console is respected until the file changes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.timeutil import require_aware

from .library_files import LibraryItem
from .models import ContentItem

CREATED_BY = "content library"


@dataclass
class SyncSummary:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)  # slugs a console item already uses
    kept: list[str] = field(default_factory=list)  # edited in the console: the database's version stands

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.retired)

    def __str__(self) -> str:
        text = (f"added {len(self.added)}, updated {len(self.updated)}, retired {len(self.retired)}, "
                f"unchanged {self.unchanged}")
        text += f"; kept as edited in the console: {', '.join(self.kept)}" if self.kept else ""
        return text + (f"; slugs taken by console items: {', '.join(self.conflicts)}" if self.conflicts else "")


def _apply(row: ContentItem, item: LibraryItem, now: datetime) -> None:
    row.title_zh, row.title_en = item.title_zh, item.title_en
    row.body_zh, row.body_en = item.body_zh, item.body_en
    row.topics = list(item.topics)
    row.kind = item.kind
    row.details = dict(item.details) or None
    row.image_url, row.link_url = item.image_url, item.link_url
    row.published_at = datetime.combine(item.published, time(0), tzinfo=now.tzinfo)
    row.source_digest = item.digest
    row.status, row.retired_at = "active", None
    row.updated_at = now


def sync(session: Session, items: list[LibraryItem], now: datetime) -> SyncSummary:
    """Make the file items in the database match `items` (see the module's doc)."""
    require_aware(now)
    summary = SyncSummary()
    stored = {row.slug: row for row in session.scalars(select(ContentItem).where(ContentItem.slug.is_not(None)))}
    for item in items:
        row = stored.get(item.slug)
        if row is not None and row.source != "file":
            summary.conflicts.append(item.slug)
        elif row is not None and row.edited_at is not None:
            if row.source_digest != item.digest:
                summary.kept.append(item.slug)
            else:
                summary.unchanged += 1
        elif row is None:
            row = ContentItem(slug=item.slug, source="file", created_by=CREATED_BY, created_at=now)
            _apply(row, item, now)
            session.add(row)
            summary.added.append(item.slug)
        elif row.source_digest != item.digest:
            _apply(row, item, now)
            summary.updated.append(item.slug)
        else:
            summary.unchanged += 1
    on_disk = {item.slug for item in items}
    for slug, row in stored.items():
        if row.edited_at is not None:
            continue  # the database's own now: a file's removal does not retire it
        if row.source == "file" and slug not in on_disk and row.source_digest is not None:
            if row.status != "retired":
                row.status, row.retired_at = "retired", now
            row.source_digest = None  # so the file, if it comes back, counts as changed
            row.updated_at = now
            summary.retired.append(slug)
    session.flush()
    return summary
