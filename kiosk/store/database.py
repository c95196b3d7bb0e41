"""Opening the station database: durable pragmas, schema upgrades, station identity."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from sqlalchemy import URL, Engine, PoolProxiedConnection, text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, select

from kiosk.clock import Clock
from kiosk.sqlite_engine import WRITE, durable_sqlite_engine
from kiosk.store.checkpointer import BACKSTOP_PAGES, Checkpointer
from kiosk.store.errors import StoreError
from kiosk.store.models import StationMeta
from kiosk.store.outbox import Outbox

# The newest migration; tests check it against Alembic's own idea of head, so that
# opening an up-to-date database never has to import Alembic (a noticeable start-up cost).
SCHEMA_HEAD = "0011"
MIGRATIONS = Path(__file__).with_name("migrations")


class Store:
    """One station database. Thread-safe: every call opens its own session."""

    def __init__(
        self,
        engine: Engine,
        station_id: str,
        epoch: str,
        clock: Clock,
        checkpointer: Checkpointer | None = None,
    ) -> None:
        self.engine = engine
        self.station_id = station_id
        self.epoch = epoch
        self.outbox = Outbox(station_id, clock)
        self._writer = engine.execution_options(**{WRITE: True})
        self._checkpointer = checkpointer
        # write_sql's own connection: out of the pool, whose checkout and return cost more
        # than a scan's reads. SQLite has one writer at a time anyway; a lock that wakes the
        # next writer at once also beats SQLite's busy handler, which sleeps between tries.
        self._hot_lock = threading.Lock()
        self._hot: sqlite3.Connection | None = None

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A transaction that holds the write lock from its start and commits on exit.

        BEGIN IMMEDIATE means the sequence number read for the outbox cannot be taken by
        another writer before this transaction commits.
        """
        with Session(self._writer, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def write_sql(self) -> Iterator[sqlite3.Connection]:
        """The same transaction on the driver's own connection, for hot paths of plain SQL:
        SQLAlchemy's begin alone (0.4 ms) cost more than a material scan's reads and event
        row together (bench/scan_verdict.py)."""
        with self._hot_lock:
            if self._hot is None:
                pooled = self.engine.raw_connection()  # the engine's pragmas are set on it
                self._hot = _driver(pooled)
                pooled.detach()  # the pool forgets it: it is this store's to close
            conn = self._hot
            try:
                with _transaction(conn, "BEGIN IMMEDIATE"):
                    yield conn
            except sqlite3.Error:
                # A connection that a database error went through may be left in a transaction
                # or closed: the next write opens a new one.
                self._hot = None
                with suppress(sqlite3.Error):
                    conn.close()
                raise

    @contextmanager
    def read_sql(self) -> Iterator[sqlite3.Connection]:
        """A read transaction on the driver's own connection: its statements see one state."""
        pooled = self.engine.raw_connection()
        try:
            with _transaction(_driver(pooled), "BEGIN") as conn:
                yield conn
        finally:
            pooled.close()

    def close(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.stop()
        with self._hot_lock:
            if self._hot is not None:
                self._hot.close()
                self._hot = None
        self.engine.dispose()


def _driver(pooled: PoolProxiedConnection) -> sqlite3.Connection:
    conn = pooled.driver_connection
    assert isinstance(conn, sqlite3.Connection)  # the engine is pysqlite's
    return conn


@contextmanager
def _transaction(conn: sqlite3.Connection, begin: str) -> Iterator[sqlite3.Connection]:
    conn.execute(begin)
    try:
        yield conn
        conn.execute("COMMIT")
    finally:
        if conn.in_transaction:  # an exception, or a COMMIT that failed
            conn.rollback()


def open_store(path: Path, station_id: str, clock: Clock) -> Store:
    """Open (creating or upgrading as needed) the database for `station_id` at `path`."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the folder for the database {path}: {exc}") from None
    engine = _engine(path)
    try:
        _migrate(engine)
        epoch = _claim(engine, station_id, path)
    except StoreError:
        engine.dispose()
        raise
    except SQLAlchemyError as exc:
        engine.dispose()
        raise StoreError(f"database {path} cannot be opened: {exc.__cause__ or exc}") from None
    except Exception as exc:
        # Anything else here (a schema newer than this program, a damaged station_meta)
        # equally means the station cannot start on this file: say so, do not hang.
        engine.dispose()
        raise StoreError(f"database {path} cannot be used: {exc!r}") from None
    checkpointer = Checkpointer(path)
    checkpointer.start()
    return Store(engine, station_id, epoch, clock, checkpointer)


def _engine(path: Path) -> Engine:
    url = URL.create("sqlite", database=str(path))  # no %-decoding of the path
    return durable_sqlite_engine(
        url,
        busy_timeout_ms=5000,
        foreign_keys=True,
        wal_autocheckpoint=BACKSTOP_PAGES,  # the Checkpointer's thread does it every second
        connect_args={"check_same_thread": False},
    )


def schema_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        has_table = conn.execute(
            text("SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'")
        ).first()
        if has_table is None:
            return None
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        return None if revision is None else str(revision)


def _migrate(engine: Engine) -> None:
    if schema_revision(engine) == SCHEMA_HEAD:
        return
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.connect() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
        conn.commit()


def _claim(engine: Engine, station_id: str, path: Path) -> str:
    """Bind a new database to this station; refuse one that belongs to another station."""
    with Session(engine.execution_options(**{WRITE: True})) as session, session.begin():
        meta = {row.key: row.value for row in session.exec(select(StationMeta))}
        owner = meta.get("station_id")
        if owner is None:
            session.add(StationMeta(key="station_id", value=station_id))
        elif owner != station_id:
            raise StoreError(
                f"database {path} belongs to station '{owner}', not '{station_id}'. "
                "Point [database] path at this station's own file."
            )
        return meta["epoch"]
