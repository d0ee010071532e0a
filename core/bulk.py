"""Many rows in one statement, skipping those a unique constraint already holds (both databases)."""
from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session


def insert_new(session: Session, model, rows: list[dict], returning: tuple = ()) -> list:
    """INSERT ... ON CONFLICT DO NOTHING: a row that would break any unique constraint is left out,
    so a sweep racing another (or run again) writes nothing twice. With `returning` (columns), the
    rows actually inserted are returned with those columns."""
    if not rows:
        return []
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = insert(model).on_conflict_do_nothing()
    if not returning:
        session.execute(stmt, rows)
        return []
    return list(session.execute(stmt.returning(*returning), rows))
