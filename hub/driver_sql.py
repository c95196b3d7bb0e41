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
