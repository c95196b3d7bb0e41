"""Opening the hub database by SQLAlchemy URL: a SQLite file or PostgreSQL."""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.schema import CreateIndex

from hub.tables import HUB_SCHEMA_VERSION, change_counter, hub_meta, metadata
from kiosk.sqlite_engine import WRITE, durable_sqlite_engine


class HubDatabaseError(Exception):
    """The hub cannot use the database it was given; the message says why."""


def normalize_url(url: str) -> str:
    """A plain path means a SQLite file; `postgresql://` means the psycopg 3 driver."""
    if "://" not in url:
        return f"sqlite:///{Path(url).resolve()}"
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def open_hub_db(url: str, create: bool = True) -> Engine:
    """Connect, create the tables when missing, and check the schema version."""
    try:
        parsed = make_url(normalize_url(url))
    except ArgumentError as exc:
        raise HubDatabaseError(f"not a database URL: {url!r} ({exc})") from None
    if parsed.get_backend_name() == "sqlite":
        engine = _sqlite_engine(parsed.render_as_string(hide_password=False))
    else:
        engine = create_engine(parsed, pool_pre_ping=True, pool_size=10, max_overflow=20)
    try:
        _prepare(engine, create)
    except SQLAlchemyError as exc:
        engine.dispose()
        raise HubDatabaseError(f"hub database {parsed!r} cannot be used: {exc}") from None
    except HubDatabaseError:
        engine.dispose()
        raise
    return engine


def _sqlite_engine(url: str) -> Engine:
    # A connection for every thread that may use one at once, kept open for good: the event
    # loop (a SQLite hub's reads run there), hub/app.py's four database threads and the
    # four that run the admin calls. The loop must never wait for one.
    return durable_sqlite_engine(
        url,
        busy_timeout_ms=30_000,
        foreign_keys=False,
        connect_args={"check_same_thread": False, "timeout": 30},
        pool_size=9,
        max_overflow=0,
        pool_timeout=30,
    )


# SQLite lets one writer in at a time. The hub's writers queue for it here, threads on a
# lock and hub processes (--workers) on a lock file beside the database, instead of in
# SQLite's busy handler, which sleeps 1, 2, 5, 10 ms... between tries: a station's second
# batch in flight starts the moment the first commits. Other programs writing the file
# still wait in the busy handler.
_SQLITE_WRITERS = threading.Lock()
# Open for the life of the process, one per database file (flock locks belong to the open
# file, and the thread lock lets one thread of this process at it at a time).
_LOCK_FILES: dict[str, int | None] = {}


@contextmanager
def write(engine: Engine) -> Iterator[Connection]:
    """One write transaction, committed on exit (rolled back on an exception)."""
    if engine.dialect.name == "sqlite":
        with (
            _SQLITE_WRITERS,
            _other_processes_out(engine.url.database),
            engine.execution_options(**{WRITE: True}).begin() as conn,
        ):
            yield conn
        return
    with engine.execution_options(**{WRITE: True}).begin() as conn:
        yield conn


@contextmanager
def _other_processes_out(database: str | None) -> Iterator[None]:
    if not database or database == ":memory:":
        yield
        return
    if database not in _LOCK_FILES:
        try:
            _LOCK_FILES[database] = os.open(f"{database}.writers", os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            _LOCK_FILES[database] = None  # then SQLite's own lock alone keeps order
    descriptor = _LOCK_FILES[database]
    if descriptor is None:
        yield
        return
    fcntl.flock(descriptor, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(descriptor, fcntl.LOCK_UN)


def is_postgres(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


# Any fixed number: the PostgreSQL advisory lock hub processes take to set a database up.
_SETUP_LOCK = 0x6B696F736B


def _prepare(engine: Engine, create: bool) -> None:
    """Make the tables when missing and check the schema version, in one transaction that
    hub processes starting together on an empty database take in turns."""
    with write(engine) as conn:
        if is_postgres(conn):
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SETUP_LOCK})
        if create:
            metadata.create_all(conn)
            # create_all leaves the tables a hub already has as they are: an index added
            # since (hub/tables.py) is made here.
            for table in metadata.sorted_tables:
                for index in table.indexes:
                    conn.execute(CreateIndex(index, if_not_exists=True))
        _check_version(conn)


def _check_version(conn: Connection) -> None:
    found = conn.execute(
        select(hub_meta.c.value).where(hub_meta.c.key == "schema_version")
    ).scalar()
    if found is None:
        conn.execute(insert(hub_meta).values(key="schema_version", value=str(HUB_SCHEMA_VERSION)))
    elif int(found) > HUB_SCHEMA_VERSION:
        raise HubDatabaseError(
            f"this hub database was made by a newer hub (schema {found}, "
            f"this hub knows {HUB_SCHEMA_VERSION}): upgrade the hub program"
        )
    if conn.execute(select(change_counter.c.value)).first() is None:
        conn.execute(insert(change_counter).values(id=1, value=0))
