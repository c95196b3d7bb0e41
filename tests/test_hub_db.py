"""Opening the hub database: several hub processes starting together on an empty one."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

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
