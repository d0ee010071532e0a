"""Queries over JSON list columns (members.tags) that work on both SQLite and PostgreSQL."""
from __future__ import annotations

from sqlalchemy import cast, exists, func, literal, select, true
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Session
from sqlalchemy.types import Text


def contains_any(list_column, values: list[str], dialect: str):
    """A WHERE clause: the JSON list in `list_column` holds at least one of `values`."""
    values = list(values)
    if dialect == "postgresql":
        return cast(list_column, JSONB).has_any(cast(values, ARRAY(Text)))
    items = func.json_each(list_column).table_valued("value")
    return exists(select(literal(1)).select_from(items).where(items.c.value.in_(values)))


def distinct_values(session: Session, list_column, where=None, limit: int = 500) -> list[str]:
    """Every distinct string in the JSON lists of `list_column` (sorted, at most `limit`)."""
    if session.get_bind().dialect.name == "postgresql":
        inner = select(func.jsonb_array_elements_text(cast(list_column, JSONB)).label("value"))
    else:
        items = func.json_each(list_column).table_valued("value")
        inner = select(items.c.value.label("value")).select_from(list_column.class_).join(items, true())
    if where is not None:
        inner = inner.where(where)
    sub = inner.subquery()
    q = select(sub.c.value).distinct().order_by(sub.c.value).limit(limit)
    return [v for v in session.scalars(q) if isinstance(v, str)]
