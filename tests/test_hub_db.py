"""Opening the hub database: several hub processes starting together on an empty one."""

from __future__ import annotations

import threading

from sqlalchemy import func, select, text

from hub.db import HubDatabaseError, open_hub_db
from hub.tables import change_counter, hub_meta


def test_hubs_starting_together_on_an_empty_database_all_start(hub_db_url: str) -> None:
    starters = 6
    gate = threading.Barrier(starters)
    failures: list[BaseException] = []

    def start() -> None:
        gate.wait()
        try:
            open_hub_db(hub_db_url).dispose()
        except HubDatabaseError as exc:  # a lost race: "relation already exists", a duplicate row
            failures.append(exc)

    threads = [threading.Thread(target=start) for _ in range(starters)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    engine = open_hub_db(hub_db_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(change_counter)).scalar() == 1
            versions = select(func.count()).where(hub_meta.c.key == "schema_version")
            assert conn.execute(versions).scalar() == 1
    finally:
        engine.dispose()


def test_an_index_added_since_a_hub_database_was_made_is_made_at_start(hub_db_url: str) -> None:
    engine = open_hub_db(hub_db_url)
    with engine.begin() as conn:
        conn.execute(text("DROP INDEX ix_record_routing"))  # as a hub made before it had it
    engine.dispose()
    engine = open_hub_db(hub_db_url)
    # Read from the catalogue: SQLAlchemy does not reflect SQLite's expression indexes.
    catalogue = (
        "SELECT name FROM sqlite_master WHERE type = 'index'"
        if engine.dialect.name == "sqlite"
        else "SELECT indexname FROM pg_indexes"
    )
    try:
        with engine.connect() as conn:
            names = set(conn.execute(text(catalogue)).scalars())
    finally:
        engine.dispose()
    assert "ix_record_routing" in names
