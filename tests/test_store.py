"""The station store: durable settings, the outbox, schema versions and upgrades."""

from __future__ import annotations

import json
import shutil
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel, col, select

from kiosk.sop import SopService
from kiosk.store.checkpointer import BACKSTOP_PAGES, EVERY_SECONDS
from kiosk.store.database import MIGRATIONS, SCHEMA_HEAD, open_store, schema_revision
from kiosk.store.errors import StoreError
from kiosk.store.models import Event, MaterialLot, Operation, StationMeta, User, WorkCenter
from kiosk.tasks import TaskService
from tests.fakes import FakeClock

OLD_FILE = Path(__file__).parent / "fixtures" / "station_r0001.db"


def test_connections_are_durable(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.db", "ST-1", FakeClock())
    with store.engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert raw.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL
        assert raw.execute("PRAGMA foreign_keys").fetchone() == (1,)
        # Commits never checkpoint in the normal course: the store's own thread does.
        assert raw.execute("PRAGMA wal_autocheckpoint").fetchone() == (BACKSTOP_PAGES,)
    store.close()


def test_the_log_reaches_the_database_file_off_the_committing_thread(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    before = set(threading.enumerate())  # other tests' stores may have theirs
    store = open_store(path, "ST-1", FakeClock())
    [checkpointer] = [t for t in set(threading.enumerate()) - before if t.name == "wal-checkpoint"]
    marker = "checkpointed-" * 100
    with store.write() as session:
        session.add(StationMeta(key="note", value=marker))
    assert marker.encode() not in path.read_bytes()  # committed: in the log only
    deadline = time.monotonic() + 30 * EVERY_SECONDS  # generous: CI machines get busy
    while marker.encode() not in path.read_bytes() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.encode() in path.read_bytes()  # copied by the store's own thread
    store.close()
    assert not checkpointer.is_alive()  # closing the store ends its thread


def test_foreign_keys_are_enforced(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.db", "ST-1", FakeClock())
    with pytest.raises(Exception, match="FOREIGN KEY"), store.write() as session:
        session.add(MaterialLot(id="l", lot_no="L", item_code="NO-SUCH-ITEM", qty=1))
    store.close()


def test_event_and_change_commit_together_or_not_at_all(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.db", "ST-1", FakeClock())
    with pytest.raises(RuntimeError), store.write() as session:
        session.add(WorkCenter(code="WC-1", name="one"))
        store.outbox.append(session, "test.happened", {"n": 1}, None)
        raise RuntimeError("power cut before commit")
    with store.read() as session:
        assert session.exec(select(WorkCenter)).all() == []
        assert session.exec(select(Event)).all() == []
    with store.write() as session:
        session.add(WorkCenter(code="WC-1", name="one"))
        store.outbox.append(session, "test.happened", {"n": 1}, "u1", subject_id="WC-1")
    store.close()
    # A new process sees both: they were committed, not just cached.
    with sqlite3.connect(tmp_path / "s.db") as conn:
        assert conn.execute("SELECT code FROM work_center").fetchall() == [("WC-1",)]
        row = conn.execute("SELECT seq, type, payload, user_id, subject_id FROM event").fetchone()
    conn.close()
    assert row == (1, "test.happened", '{"n": 1}', "u1", "WC-1")


def test_a_driver_write_holds_the_lock_from_begin_and_commits_with_its_event_or_not_at_all(
    tmp_path: Path,
) -> None:
    path = tmp_path / "s.db"
    store = open_store(path, "ST-1", FakeClock())
    insert = "INSERT INTO work_center (code, name) VALUES ('WC-1', 'one')"
    with pytest.raises(RuntimeError), store.write_sql() as conn:
        other = sqlite3.connect(path, timeout=0)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")  # before this transaction has written anything
        other.close()
        conn.execute(insert)
        store.outbox.append_sql(conn, "test.happened", {"n": 1}, None)
        raise RuntimeError("power cut before commit")
    with store.read_sql() as conn:
        assert conn.execute("SELECT count(*) FROM work_center").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM event").fetchone() == (0,)
    # The connection is back with no transaction open, and one a failure closed is replaced:
    # both writes go through.
    with pytest.raises(sqlite3.ProgrammingError), store.write_sql() as conn:
        conn.close()
    for n in (1, 2):
        with store.write_sql() as conn:
            conn.execute(insert.replace("WC-1", f"WC-{n}"))
            store.outbox.append_sql(conn, "test.happened", {"n": n}, "u1", subject_id=f"WC-{n}")
    store.close()
    with sqlite3.connect(path) as conn:  # another process sees both: committed, not cached
        assert conn.execute("SELECT count(*) FROM work_center").fetchone() == (2,)
        assert conn.execute("SELECT seq, type FROM event").fetchall() == [
            (1, "test.happened"),
            (2, "test.happened"),
        ]
    conn.close()


def test_outbox_sequence_is_gapless_across_threads(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.db", "ST-1", FakeClock())

    def writer(worker: int) -> None:
        for n in range(25):
            with store.write() as session:
                store.outbox.append(session, "test.tick", {"worker": worker, "n": n}, None)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with store.read() as session:
        events = session.exec(select(Event).order_by(col(Event.seq))).all()
    assert [event.seq for event in events] == list(range(1, 101))
    assert len({event.id for event in events}) == 100
    # UUIDv7 ids sort in the order they were made.
    assert [event.id for event in events] == sorted(event.id for event in events)
    assert {json.loads(event.payload)["worker"] for event in events} == {0, 1, 2, 3}
    store.close()


def test_the_driver_append_writes_the_same_event_as_the_orm_in_the_same_sequence(
    tmp_path: Path,
) -> None:
    clock = FakeClock(boot="boot-3")
    store = open_store(tmp_path / "s.db", "ST-1", clock)

    def writer(worker: int) -> None:  # the two ways interleaved, from threads
        for n in range(20):
            if (worker + n) % 2:
                with store.write_sql() as conn:
                    store.outbox.append_sql(conn, "test.tick", {"w": worker, "n": n}, "u1", "S")
            else:
                with store.write() as session:
                    store.outbox.append(session, "test.tick", {"w": worker, "n": n}, "u1", "S")

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with store.read() as session:
        events = session.exec(select(Event).order_by(col(Event.seq))).all()
    store.close()
    assert [event.seq for event in events] == list(range(1, 61))
    assert len({event.id for event in events}) == 60
    assert {
        (e.station_id, e.type, e.user_id, e.subject_id, e.occurred_at, e.boot_id, e.synced_at)
        for e in events
    } == {("ST-1", "test.tick", "u1", "S", clock.wall, "boot-3", None)}
    assert {event.mono_ns for event in events} == {int(clock.mono * 1e9)}
    assert {(e.sync_status, e.sync_reason, e.sync_detail) for e in events} == {(None, "", "")}
    assert sorted(json.loads(e.payload)["n"] for e in events) == sorted(list(range(20)) * 3)


def test_events_keep_both_clocks(tmp_path: Path) -> None:
    clock = FakeClock(boot="boot-7")
    store = open_store(tmp_path / "s.db", "ST-1", clock)
    with store.write() as session:
        event = store.outbox.append(session, "test.timed", {}, None)
    assert event.occurred_at == clock.wall
    assert event.mono_ns == int(clock.mono * 1e9)
    assert event.boot_id == "boot-7"
    assert event.synced_at is None
    store.close()


def test_a_database_belongs_to_one_station(tmp_path: Path) -> None:
    first = open_store(tmp_path / "s.db", "ST-1", FakeClock())
    epoch = first.epoch
    first.close()
    again = open_store(tmp_path / "s.db", "ST-1", FakeClock())
    assert again.epoch == epoch  # the epoch is made once, at creation
    again.close()
    with pytest.raises(StoreError, match="belongs to station 'ST-1', not 'ST-2'"):
        open_store(tmp_path / "s.db", "ST-2", FakeClock())


def test_each_new_database_gets_its_own_epoch(tmp_path: Path) -> None:
    a = open_store(tmp_path / "a.db", "ST-1", FakeClock())
    b = open_store(tmp_path / "b.db", "ST-1", FakeClock())
    assert a.epoch != b.epoch
    a.close()
    b.close()


def test_unusable_file_gives_a_store_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="cannot be opened"):
        open_store(junk, "ST-1", FakeClock())


def test_schema_head_constant_matches_the_migrations() -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == SCHEMA_HEAD


def test_migrations_build_exactly_the_models(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.db", "ST-1", FakeClock())
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []
    store.close()


def test_old_station_file_upgrades_in_place_without_losing_rows(tmp_path: Path) -> None:
    path = tmp_path / "station.db"
    shutil.copy(OLD_FILE, path)
    store = open_store(path, "ST-OLD", FakeClock())
    assert schema_revision(store.engine) == SCHEMA_HEAD
    with store.read() as session:
        user = session.exec(select(User)).one()
        assert (user.employee_no, user.name, user.role) == ("E0001", "王芳", "operator")
        operation = session.exec(select(Operation)).one()
        assert (operation.status, operation.qty_good, operation.qty_scrap) == ("paused", 4, 1)
        lot = session.exec(select(MaterialLot)).one()
        assert (lot.lot_no, lot.status) == ("LOT-1", "on_hold")
        events = session.exec(select(Event).order_by(col(Event.seq))).all()
        assert [e.type for e in events] == [
            "auth.login",
            "operation.started",
            "operation.paused",
        ]
        # Rows from before monotonic time was kept are marked as from an unknown boot.
        assert {(e.mono_ns, e.boot_id) for e in events} == {(0, "")}
        assert events[1].synced_at is not None and events[2].synced_at is None
        meta = {m.key: m.value for m in session.exec(select(StationMeta))}
        assert meta["station_id"] == "ST-OLD" and len(meta["epoch"]) == 36
    # Their subject is copied out of the payload, so the operation's timer still adds up:
    # 07:05 to 09:05 on the wall clock (no monotonic readings back then).
    clock = FakeClock()
    detail = TaskService(store, clock, ["WC-ASM"], SopService(store, clock)).detail("op1")
    assert detail.task.timer.accumulated == 7200.0
    assert not detail.task.timer.running
    # New events continue the old sequence.
    with store.write() as session:
        assert store.outbox.append(session, "test.after_upgrade", {}, None).seq == 4
    store.close()


def test_a_database_from_a_newer_program_is_refused_clearly(tmp_path: Path) -> None:
    open_store(tmp_path / "s.db", "ST-1", FakeClock()).close()
    with sqlite3.connect(tmp_path / "s.db") as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.close()
    with pytest.raises(StoreError, match="cannot be used"):
        open_store(tmp_path / "s.db", "ST-1", FakeClock())
