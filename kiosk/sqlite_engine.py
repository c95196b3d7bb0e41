"""A SQLite engine for records that must survive a power cut: WAL, synchronous=FULL, and
write transactions that take the lock at BEGIN. Shared by the station store and the hub."""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event

# Execution option that makes a transaction BEGIN IMMEDIATE.
WRITE = "kiosk_write"


def durable_sqlite_engine(
    url: str | URL,
    *,
    busy_timeout_ms: int,
    foreign_keys: bool,
    wal_autocheckpoint: int | None = None,
    **engine_args: Any,
) -> Engine:
    """`wal_autocheckpoint`: pages of log after which a commit checkpoints (SQLite's
    default, 1000, when None)."""
    engine = create_engine(url, **engine_args)
    pragmas = [
        "PRAGMA journal_mode=WAL",
        "PRAGMA synchronous=FULL",
        f"PRAGMA busy_timeout={busy_timeout_ms}",
    ]
    if foreign_keys:
        pragmas.append("PRAGMA foreign_keys=ON")
    if wal_autocheckpoint is not None:
        pragmas.append(f"PRAGMA wal_autocheckpoint={wal_autocheckpoint}")

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        # Transactions are begun by hand below; the driver must not begin its own.
        dbapi_conn.isolation_level = None
        for pragma in pragmas:
            dbapi_conn.execute(pragma)

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        # A writer takes the lock at BEGIN: what it reads (the next sequence number, the
        # last applied one) cannot change under it before it commits.
        immediate = conn.get_execution_options().get(WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine
