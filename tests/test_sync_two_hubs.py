"""Two hub processes on one PostgreSQL: stations spread over both, hub-side changes
committed concurrently (one of them late) while the stations pull."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import select

from hub.db import write
from hub.records import write_records
from kiosk.store.models import Operation
from tests.hub_harness import (
    HubProcess,
    assert_exactly_once,
    client,
    make_plant,
    open_station,
    operation_records,
    write_events,
)


def test_two_hub_processes_never_let_a_pull_skip_a_late_commit(
    postgres_url: str, tmp_path: Path
) -> None:
    plant = make_plant(postgres_url)
    stations = [("ST-1", "WC-A"), ("ST-2", "WC-A"), ("ST-3", "WC-B"), ("ST-4", "WC-B")]
    tokens = {sid: plant.enrol(sid, wc) for sid, wc in stations}
    plant.write(operation_records("WC-A", 3) + operation_records("WC-B", 3))
    hubs = [HubProcess(postgres_url, tmp_path / f"hub{n}.log").start() for n in (1, 2)]
    stores = {sid: open_station(tmp_path, sid) for sid, _ in stations}
    stop = threading.Event()
    try:
        # A slow planner transaction: takes its change numbers, then commits late.
        def slow_writer() -> None:
            with write(plant.engine) as conn:
                write_records(conn, operation_records("WC-A", 5, prefix="SLOW"), datetime.now(UTC))
                time.sleep(1.0)

        def fast_writer(work_center: str) -> None:
            for n in range(20):
                plant.write(operation_records(work_center, 1, prefix=f"F{n}"))
                time.sleep(0.02)

        def station(sid: str, hub: HubProcess) -> None:
            sync = client(stores[sid], hub.url, tokens[sid], batch_size=25)
            while not stop.is_set():
                write_events(stores[sid], 5)
                sync.sync_once()
            sync.close()

        workers = [
            threading.Thread(target=station, args=(sid, hubs[n % 2]))
            for n, (sid, _) in enumerate(stations)
        ]
        for worker in workers:
            worker.start()
        writers = [
            threading.Thread(target=slow_writer),
            threading.Thread(target=fast_writer, args=("WC-A",)),
            threading.Thread(target=fast_writer, args=("WC-B",)),
        ]
        for writer in writers:
            writer.start()
            time.sleep(0.1)  # the slow one holds its numbers while the others commit
        for writer in writers:
            writer.join()
        time.sleep(0.5)
        stop.set()
        for worker in workers:
            worker.join(timeout=60)
        # The stations' cursors moved on while the slow change was still uncommitted:
        # one more ordinary pull must bring it (a naive cursor would have skipped it).
        for n, (sid, _) in enumerate(stations):
            sync = client(stores[sid], hubs[(n + 1) % 2].url, tokens[sid])
            sync.sync_once()
            sync.close()
    finally:
        stop.set()
        for hub in hubs:
            hub.kill()
    for sid, work_center in stations:
        assert_exactly_once(plant, stores[sid])
        with stores[sid].read() as session:
            ops = {op.id for op in session.exec(select(Operation))}
        expected = {f"op-WO-{work_center}-{n}-1" for n in range(3)}
        expected |= {f"op-F{n}-{work_center}-0-1" for n in range(20)}
        if work_center == "WC-A":
            expected |= {f"op-SLOW-WC-A-{n}-1" for n in range(5)}
        assert ops == expected
