"""Fixed statements run straight on the database driver's cursor.

A station's poll is a few tiny indexed reads, and a push a few statements per batch.
Through SQLAlchemy each costs 50–200 µs of Python (statement building, cache keys, result
objects); on the driver's cursor about 5 µs (measured on SQLite). Only the hot paths go
this way; the rest of the hub uses Core.
Statements are written with `?` placeholders (sqlite3's style); psycopg's is `%s`.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError


@lru_cache(maxsize=64)
def _format_style(sql: str) -> str:
    # The hot-path statements carry no literal `?` or `%`: values always go as parameters.
    return sql.replace("?", "%s")


def fetch(conn: Connection, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """Rows of one statement, read in `conn`'s transaction (when it has one)."""
    if conn.dialect.paramstyle != "qmark":
        sql = _format_style(sql)
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql, params)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def run(conn: Connection, sql: str, params: Sequence[Any] = ()) -> int:
    """Run one statement that returns no rows, in `conn`'s transaction; rows it changed."""
    if conn.dialect.paramstyle != "qmark":
        sql = _format_style(sql)
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql, params)
        return int(cursor.rowcount)
    finally:
        cursor.close()


# SQLite's default limit on a statement's bound values (since 3.32).
_SQLITE_MAX_PARAMS = 32_766


def insert_rows(
    conn: Connection, table: str, names: tuple[str, ...], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert `rows` (values in `names` order).

    SQLite: in as few multi-row INSERTs as its limit on bound values allows. Not
    executemany: sqlite3 lets go of the GIL for every row it steps, and takes it back only
    when the thread holding it yields (up to 5 ms): with the event loop busy, 500 rows
    took 330 ms that way, 9 ms in one statement. PostgreSQL: executemany, which psycopg
    sends as one pipeline (a statement of thousands of parameters costs it more to build).
    """
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        if conn.dialect.paramstyle == "qmark":
            per_statement = _SQLITE_MAX_PARAMS // len(names)
            for start in range(0, len(rows), per_statement):
                chunk = rows[start : start + per_statement]
                sql = _insert_sql(table, names, len(chunk), "?")
                cursor.execute(sql, [value for row in chunk for value in row])
        else:
            cursor.executemany(_insert_sql(table, names, 1, "%s"), rows)
    except conn.dialect.loaded_dbapi.IntegrityError as exc:
        # As SQLAlchemy raises it, so callers catch one error on either driver.
        raise IntegrityError(f"INSERT INTO {table}", None, exc) from exc
    finally:
        cursor.close()


@lru_cache(maxsize=64)
def _insert_sql(table: str, names: tuple[str, ...], count: int, marker: str) -> str:
    row = f"({', '.join([marker] * len(names))})"
    return f"INSERT INTO {table} ({', '.join(names)}) VALUES {', '.join([row] * count)}"
