"""The file library into `content_items`: add new files, update changed ones, retire removed ones.

Items are matched by their slug (the file's `id`). An item whose file is unchanged (same sha256) is
not touched, so a sync with nothing new reads one small query and writes nothing. An item whose
file is gone is retired, never deleted (messages already sent may point at it); it comes back if
the file does. Staff retiring a file item in the console is respected until the file changes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from rewards.timeutil import require_aware

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

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.retired)

    def __str__(self) -> str:
        text = (f"added {len(self.added)}, updated {len(self.updated)}, retired {len(self.retired)}, "
                f"unchanged {self.unchanged}")
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
        if row.source == "file" and slug not in on_disk and row.source_digest is not None:
            if row.status != "retired":
                row.status, row.retired_at = "retired", now
            row.source_digest = None  # so the file, if it comes back, counts as changed
            row.updated_at = now
            summary.retired.append(slug)
    session.flush()
    return summary
