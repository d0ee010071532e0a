"""Set-based writes that skip rows a unique constraint already holds, on both databases.

This is the one place that picks the dialect's `INSERT ... ON CONFLICT DO NOTHING` (`insert_for`);
`insert_new` writes a list of rows (`insert_new_counted` many rows, counting what it wrote), `insert_select_new` writes the rows of a SELECT in one
statement (`INSERT ... SELECT ... ON CONFLICT DO NOTHING`), and `json_with` builds a JSON object in
SQL from a fixed part plus some columns (the dialects spell that differently), and `nth_of` hands a
list of strings to SQL in one parameter, for the rows of an INSERT ... SELECT to take one each
(e.g. a fresh coupon code). `new_ids` and `insert_rows` write many new rows fast where no
conflict is expected (COPY on PostgreSQL), their ids known beforehand. `one_of` matches a column
against many values, on PostgreSQL in one array parameter.
"""
from __future__ import annotations

import json
from typing import Any, Mapping

from sqlalchemy import (ARRAY, JSON, Integer, LargeBinary, String, any_, bindparam, cast, func, insert, literal,
                        select, true)
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session


def dialect_of(session: Session | Connection) -> str:
    return session.dialect.name if isinstance(session, Connection) else session.get_bind().dialect.name


def one_of(session: Session | Connection, column, values: list):
    """`column` is one of `values`: on PostgreSQL one array parameter (`= ANY(...)`), since thousands of
    placeholders cost more to write and parse than the statement's work; elsewhere `IN (...)`."""
    if dialect_of(session) == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
    return column.in_(values)


def insert_for(session: Session, model):
    """The dialect's INSERT for `model`, which has `.on_conflict_do_nothing()`."""
    return _dialect_insert(dialect_of(session), model)


def _dialect_insert(dialect: str, model):
    return (pg_insert if dialect == "postgresql" else sqlite_insert)(model)


def insert_new(session: Session, model, rows: list[dict], returning: tuple = ()) -> list:
    """INSERT ... ON CONFLICT DO NOTHING: a row that would break any unique constraint is left out,
    so a sweep racing another (or run again) writes nothing twice. With `returning` (columns), the
    rows actually inserted are returned with those columns."""
    if not rows:
        return []
    stmt = _insert_new_statement(dialect_of(session), model, returning)
    if not returning:
        session.execute(stmt, rows)
        return []
    return list(session.execute(stmt, rows))


_INSERT_NEW: dict[tuple, Any] = {}


def _insert_new_statement(dialect: str, model, returning: tuple):
    """`insert_new`'s statement, built once per (dialect, table, returning) and kept: statements are
    immutable, and one built at each call cost the hot paths (an order, a delivery) more in Python
    than its SQL takes (its construction and cache key, at each of an order's 3-4 INSERTs)."""
    key = (dialect, model, returning)
    stmt = _INSERT_NEW.get(key)
    if stmt is None:
        stmt = _dialect_insert(dialect, model).on_conflict_do_nothing()
        if returning:
            stmt = stmt.returning(*returning)
        _INSERT_NEW[key] = stmt
    return stmt


def insert_new_counted(session: Session, model, rows: list[dict]) -> int:
    """`insert_new` without RETURNING, saying how many rows were written. For many rows: the driver
    sends one small statement per row in a pipeline (psycopg) or a loop in C (sqlite3), where a
    RETURNING would make SQLAlchemy write multi-row statements of thousands of placeholders, which
    PostgreSQL takes about three times as long to parse."""
    if not rows:
        return 0
    stmt = insert_for(session, model).on_conflict_do_nothing().execution_options(preserve_rowcount=True)
    return max(session.execute(stmt, rows).rowcount or 0, 0)


def insert_select_new(session: Session, model, columns: list[str], select) -> int:
    """INSERT INTO model (columns) SELECT ... ON CONFLICT DO NOTHING, in one statement; how many
    rows were written (rows a unique constraint already holds are skipped)."""
    table = getattr(model, "__table__", model)
    if dialect_of(session) == "sqlite":  # SQLite reads "FROM t ON CONFLICT" as a join unless a WHERE ends it
        select = select.where(true())
    stmt = (insert_for(session, table).from_select(columns, select).on_conflict_do_nothing()
            .execution_options(preserve_rowcount=True))  # an INSERT's rowcount is kept only when asked
    return max(session.execute(stmt).rowcount or 0, 0)


def json_with(session: Session, fixed: Mapping[str, Any], **columns):
    """A SQL expression for the JSON object `fixed` with the keys of `columns` set from SQL
    expressions (e.g. `name=Member.display_name`), typed as JSON for an INSERT ... SELECT."""
    text = json.dumps(dict(fixed), ensure_ascii=False)
    if dialect_of(session) == "postgresql":
        merged = cast(literal(text), postgresql.JSONB)
        if columns:
            pairs = [part for key, value in columns.items() for part in (literal(key), value)]
            merged = merged.op("||")(func.jsonb_build_object(*pairs))
        return cast(merged, postgresql.JSON)
    expr = func.json(literal(text))
    for key, value in columns.items():
        expr = func.json_set(expr, f"$.{key}", value)
    return expr




def nth_of(session: Session, values: list[str], n):
    """SQL: the `n`-th (from 1; `n` a SQL expression) of `values`, ASCII strings of one length,
    handed over as one parameter however many there are: no statement with a placeholder per
    value, and no join to a list that the database would scan once per row. The parameter is
    bytes, so taking a piece of it costs the same wherever it lies (in text, finding the n-th
    character means counting from the start)."""
    width = len(values[0]) if values else 1
    if any(len(v) != width for v in values):
        raise ValueError("nth_of takes strings of one length")
    joined = literal("".join(values).encode("ascii"), LargeBinary)
    start = cast((n - 1) * width + 1, Integer)
    if dialect_of(session) == "postgresql":
        return func.convert_from(func.substring(joined, start, width), "UTF8")
    return cast(func.substr(joined, start, width), String)


def new_ids(session: Session, table, count: int) -> list[int]:
    """`count` ids for new rows of `table` (its integer primary key `id`), taken before the INSERT so
    that rows referring to them can be written alongside without reading them back. PostgreSQL: from
    the column's sequence; SQLite: after the highest (a writer racing this one makes the INSERT fail)."""
    if count <= 0:
        return []
    if dialect_of(session) == "postgresql":
        sequence = func.pg_get_serial_sequence(table.name, "id")
        return list(session.scalars(select(func.nextval(sequence)).select_from(func.generate_series(1, count))))
    top = session.scalar(select(func.coalesce(func.max(table.c.id), 0)))
    return list(range(top + 1, top + 1 + count))


def insert_rows(session: Session, table, rows: list[dict]) -> None:
    """INSERT many new rows, each with the same keys (a unique key already taken raises): COPY on
    PostgreSQL (several times faster than any INSERT for thousands of rows), the driver's executemany on
    SQLite. Values as the columns take them: aware datetimes, dates, lists and dicts for JSON."""
    if not rows:
        return
    if dialect_of(session) != "postgresql":
        session.execute(insert(table), rows)
        return
    columns = list(rows[0])
    as_json = {c for c in columns if isinstance(table.c[c].type, JSON)}
    statement = f'COPY {table.name} ({", ".join(columns)}) FROM STDIN'
    with session.connection().connection.dbapi_connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([json.dumps(row[c], ensure_ascii=False) if c in as_json and row[c] is not None
                            else row[c] for c in columns])
