"""Machine programs (NC): the service on the demo plant in a real SQLite file, the folder
sender on real folders, DNC over real pseudo-terminals to the simulated machine."""

from __future__ import annotations

import hashlib
import json
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import col, select

from devices.dnc import frame, send_program
from devices.dnc_sim import DncMachine
from devices.nc_failure import Problem, TransferFailed
from devices.nc_folder import write_program
from kiosk.config import NcMachine, StationConfig
from kiosk.demo_data import DEMO_WORK_CENTERS
from kiosk.identity import SignedIn
from kiosk.nc_programs import NcProgramService, program_key
from kiosk.nc_values import TransferOutcome
from kiosk.services import Services, open_services
from kiosk.store.models import NcTransfer, Operation, ReferenceRecord
from kiosk.work import Refusal, Refused, Task
from sync.events import NcTransferred, read_payload
from tests.fakes import FakeClock
from tests.test_app import events_of
from tests.test_materials import signed_in, smt_task

CODE = "T-MC200"
BODY = "; test program\nN10 G90 G21\nN20 G00 X10.0 Y10.0\nN30 M30\n"
FAST = 115200  # baud: a pty ignores it, the send's time allowance does not


def checksum(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def hold_program(
    services: Services,
    code: str,
    version: int,
    body: str,
    *,
    file_name: str = "MC200.nc",
    claimed: str | None = None,
) -> None:
    """The hub delivered this version here; `claimed` is a checksum other than the body's."""
    data = {
        "code": code,
        "version": version,
        "file_name": file_name,
        "checksum": claimed or checksum(body),
        "body": body,
    }
    with services.store.write() as session:
        key = program_key(code, version)
        session.add(ReferenceRecord(entity="nc_program", key=key, data=json.dumps(data)))


def needs(services: Services, task: Task, code: str | None, version: int | None) -> None:
    with services.store.write() as session:
        operation = session.get(Operation, task.operation_id)
        assert operation is not None
        operation.nc_program, operation.nc_version = code, version
        session.add(operation)


def nc_service(
    services: Services, clock: FakeClock, *machines: NcMachine, patience: float = 0.5
) -> NcProgramService:
    return NcProgramService(
        services.store, clock, DEMO_WORK_CENTERS, machines, dnc_patience=patience
    )


def folder_machine(folder: Path, equipment: str = "SMT1-PNP") -> NcMachine:
    return NcMachine(equipment=equipment, kind="folder", target=str(folder))


def serial_machine(port: str, baud: int = FAST) -> NcMachine:
    return NcMachine(equipment="SMT1-PNP", kind="serial", target=port, baud=baud)


def transfers(services: Services) -> list[NcTransfer]:
    with services.store.read() as session:
        return list(session.exec(select(NcTransfer).order_by(col(NcTransfer.sent_at))).all())


def transferred(services: Services) -> list[NcTransferred]:
    """The nc.transferred events, read as the hub reads them."""
    found = []
    for event in events_of(services, "nc.transferred"):
        payload = read_payload(event.type, event.payload)
        assert isinstance(payload, NcTransferred)
        found.append(payload)
    return found


@pytest.fixture
def task(services: Services) -> Task:
    task = smt_task(services)  # WC-SMT, where SMT1-PNP and SMT1-REFLOW stand
    needs(services, task, CODE, 3)
    return task


@pytest.fixture
def kevin(services: Services) -> SignedIn:
    return signed_in(services, "E1003")  # operator


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The folder SMT1-PNP reads its programs from."""
    made = tmp_path / "nc" / "SMT1-PNP"
    made.mkdir(parents=True)
    return made


@pytest.fixture
def machine(tmp_path: Path) -> Iterator[DncMachine]:
    made = DncMachine(buffer_size=256, work_seconds=0.01, link=tmp_path / "by-id" / "cnc")
    made.start()
    yield made
    made.close()


# --- framing ---------------------------------------------------------------------------


def test_a_program_is_framed_with_percent_lines_and_cr_lf() -> None:
    assert frame(b"N10 G90\nN20 M30\n") == b"%\r\nN10 G90\r\nN20 M30\r\n%\r\n"
    assert frame(b"N10 G90\r\nN20 M30") == b"%\r\nN10 G90\r\nN20 M30\r\n%\r\n"
    # Already framed: not framed twice.
    assert frame(b"%\nO1200\nM30\n%\n") == b"%\r\nO1200\r\nM30\r\n%\r\n"
    assert frame(b"") == b"%\r\n%\r\n"
    with pytest.raises(TransferFailed) as failed:
        frame(b"N10 G90\x13\n")  # XOFF inside would stop the line mid-program
    assert failed.value.problem is Problem.NOT_SENDABLE


# --- into a folder ----------------------------------------------------------------------


def test_a_program_goes_into_the_folder_byte_for_byte_and_the_send_is_recorded(
    services: Services, clock: FakeClock, task: Task, kevin: SignedIn, folder: Path
) -> None:
    (folder / "MC200.nc").write_bytes(b"the old program")
    body = BODY + "; 中文注释 UTF-8\n"
    hold_program(services, CODE, 3, body)
    service = nc_service(services, clock, folder_machine(folder))

    result = service.send(task.operation_id, "SMT1-PNP", kevin)

    assert result.outcome is TransferOutcome.SENT
    assert (result.code, result.version, result.target) == (CODE, 3, str(folder))
    assert (folder / "MC200.nc").read_bytes() == body.encode("utf-8")
    assert [p.name for p in folder.iterdir()] == ["MC200.nc"]  # no temporary file left
    [row] = transfers(services)
    assert (row.outcome, row.program, row.version) == ("sent", CODE, 3)
    assert row.checksum == checksum(body)
    assert (row.user_id, row.sent_at, row.target) == (kevin.user_id, clock.now(), str(folder))
    [event] = transferred(services)
    assert event == NcTransferred(
        equipment="SMT1-PNP",
        program=CODE,
        version=3,
        checksum=checksum(body),
        target=str(folder),
        outcome="sent",
        operation_id=task.operation_id,
    )


def test_a_machine_reading_the_folder_sees_the_old_program_or_the_new_never_half(
    tmp_path: Path,
) -> None:
    first, second = b"A" * 300_000, b"B" * 200_000
    write_program(tmp_path, "P.nc", first)
    seen: set[bytes] = set()
    done = threading.Event()

    def machine_polls() -> None:
        while not done.is_set():
            seen.add((tmp_path / "P.nc").read_bytes())

    reader = threading.Thread(target=machine_polls)
    reader.start()
    try:
        for _ in range(10):
            write_program(tmp_path, "P.nc", second)
            write_program(tmp_path, "P.nc", first)
    finally:
        done.set()
        reader.join()
    assert seen <= {first, second} and len(seen) >= 1
    assert [p.name for p in tmp_path.iterdir()] == ["P.nc"]


def test_a_write_that_fails_leaves_the_old_program_whole_and_nothing_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "P.nc").write_bytes(b"old")

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("devices.nc_folder.os.fsync", disk_full)
    with pytest.raises(TransferFailed) as failed:
        write_program(tmp_path, "P.nc", b"new program")
    assert failed.value.problem is Problem.FOLDER_NOT_WRITABLE
    assert "No space left" in failed.value.detail
    assert [p.name for p in tmp_path.iterdir()] == ["P.nc"]
    assert (tmp_path / "P.nc").read_bytes() == b"old"


def test_a_file_name_that_would_leave_the_folder_creates_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "machine"
    folder.mkdir()
    for name in ("../escape.nc", "sub/P.nc", "..", ""):
        with pytest.raises(TransferFailed) as failed:
            write_program(folder, name, b"N10")
        assert failed.value.problem is Problem.BAD_FILE_NAME
    assert [p.name for p in tmp_path.rglob("*")] == ["machine"]


def test_a_missing_folder_fails_cleanly_is_recorded_and_is_not_created(
    services: Services, clock: FakeClock, task: Task, kevin: SignedIn, tmp_path: Path
) -> None:
    folder = tmp_path / "share-not-mounted" / "SMT1-PNP"
    hold_program(services, CODE, 3, BODY)
    service = nc_service(services, clock, folder_machine(folder))

    result = service.send(task.operation_id, "SMT1-PNP", kevin)

    assert (result.outcome, result.problem) == (TransferOutcome.FAILED, "folder_missing")
    assert not (tmp_path / "share-not-mounted").exists()
    [event] = transferred(services)
    assert event.outcome == "failed" and event.detail.startswith("folder_missing: ")
    assert [row.outcome for row in transfers(services)] == ["failed"]


# --- over serial DNC ------------------------------------------------------------------


def test_a_program_goes_to_the_simulated_machine_complete_and_in_order_through_pauses(
    services: Services, clock: FakeClock, task: Task, kevin: SignedIn, machine: DncMachine
) -> None:
    body = "".join(f"N{n:05d} G01 X{n}.000 Y{n % 97}.500 F1200\n" for n in range(1, 200))
    hold_program(services, CODE, 4, body)
    service = nc_service(services, clock, serial_machine(machine.path))

    result = service.send(task.operation_id, "SMT1-PNP", kevin)

    assert result.outcome is TransferOutcome.SENT, result.detail
    expected = frame(body.encode())
    assert machine.wait_for(len(expected), 5) == expected  # byte for byte
    assert len(machine.pauses) >= len(expected) // 256  # its buffer filled again and again
    [event] = transferred(services)
    assert (event.outcome, event.version, event.target) == ("sent", 4, machine.path)


def test_xoff_through_a_pty_holds_the_sender_until_xon_without_spinning(tmp_path: Path) -> None:
    """The machine stops the line as the program starts to arrive and keeps reading what
    was already on it: a sender that ignored XOFF would be done in milliseconds."""
    hold = 0.5
    machine = DncMachine(buffer_size=10**9, busy_at_start=hold)
    machine.start()
    try:
        # Far more than the kernel buffers between the two ends of a pty (about 19 KB).
        data = frame(b"".join(b"N%06d G01 X1.0 Y2.0\n" % n for n in range(10_000)))
        started, cpu = time.monotonic(), time.process_time()
        send_program(machine.path, data, baud=4_000_000, timeout=5)
        took, spun = time.monotonic() - started, time.process_time() - cpu
        assert machine.wait_for(len(data), 5) == data
    finally:
        machine.close()
    [(xoff, xon)] = machine.pauses
    assert xon is not None and xon - xoff >= hold
    assert took >= hold * 0.95
    assert spun < hold / 2  # waited on select(), not in a loop of refused writes


def test_a_machine_that_never_sends_xon_fails_the_send_cleanly_and_it_is_recorded(
    services: Services, clock: FakeClock, task: Task, kevin: SignedIn, tmp_path: Path
) -> None:
    stuck = DncMachine(busy_at_start=1.0, answers_xon=False)
    stuck.start()
    try:
        body = "".join(f"N{n:06d} G01 X1.0 Y2.0\n" for n in range(10_000))  # 220 KB
        hold_program(services, CODE, 3, body)
        service = nc_service(services, clock, serial_machine(stuck.path, baud=4_000_000))
        started = time.monotonic()
        result = service.send(task.operation_id, "SMT1-PNP", kevin)
        took = time.monotonic() - started
    finally:
        stuck.close()
    assert (result.outcome, result.problem) == (TransferOutcome.FAILED, "timed_out")
    assert took < 3  # 0.55 s on the wire at that speed, then 0.5 s of patience
    [event] = transferred(services)
    assert event.outcome == "failed" and event.detail.startswith("timed_out: ")


def test_a_missing_port_fails_cleanly_with_an_event(
    services: Services, clock: FakeClock, task: Task, kevin: SignedIn, tmp_path: Path
) -> None:
    port = tmp_path / "by-id" / "usb-cnc-unplugged"
    hold_program(services, CODE, 3, BODY)
    service = nc_service(services, clock, serial_machine(str(port)))

    result = service.send(task.operation_id, "SMT1-PNP", kevin)

    assert (result.outcome, result.problem) == (TransferOutcome.FAILED, "port_missing")
    [event] = transferred(services)
    assert (event.outcome, event.target) == ("failed", str(port))
    assert event.detail.startswith("port_missing: ") and "No such file" in event.detail


def test_the_send_holds_no_write_lock_while_the_machine_holds_the_line(
    services: Services, clock: FakeClock, task: Task, kevin: SignedIn
) -> None:
    slow = DncMachine(buffer_size=10**9, busy_at_start=1.0)
    slow.start()
    try:
        body = "".join(f"N{n:06d} G01 X1.0 Y2.0\n" for n in range(10_000))
        hold_program(services, CODE, 3, body)
        line = serial_machine(slow.path, baud=4_000_000)
        service = nc_service(services, clock, line, patience=5)
        sender = threading.Thread(target=service.send, args=(task.operation_id, "SMT1-PNP", kevin))
        sender.start()
        slow.wait_for(1, 5)  # the program is on its way, and the line is stopped
        started = time.monotonic()
        with services.store.write() as session:  # another screen commits meanwhile
            session.add(ReferenceRecord(entity="probe", key="k", data="{}"))
        waited = time.monotonic() - started
        sender.join(10)
    finally:
        slow.close()
    assert waited < 0.5
    assert [row.outcome for row in transfers(services)] == ["sent"]


# --- refusals: each recorded, then raised ---------------------------------------------


def refused(service: NcProgramService, task: Task, equipment: str, who: SignedIn) -> Refusal:
    with pytest.raises(Refused) as caught:
        service.send(task.operation_id, equipment, who)
    return caught.value.reason


def test_a_checksum_mismatch_is_refused_recorded_and_nothing_is_written(
    services: Services, clock: FakeClock, task: Task, kevin: SignedIn, folder: Path
) -> None:
    hold_program(services, CODE, 3, BODY, claimed=checksum(BODY + "N40 M30\n"))
    service = nc_service(services, clock, folder_machine(folder))

    assert refused(service, task, "SMT1-PNP", kevin) is Refusal.NC_CHECKSUM_MISMATCH

    assert list(folder.iterdir()) == []
    [row] = transfers(services)
    assert (row.outcome, row.program, row.version) == ("nc_checksum_mismatch", CODE, 3)
    [event] = transferred(services)
    assert event.outcome == "nc_checksum_mismatch"
    assert checksum(BODY) in event.detail  # what the body really hashes to
    assert service.program(task.operation_id).blocked_by is Refusal.NC_CHECKSUM_MISMATCH


def test_a_damaged_record_counts_as_a_checksum_mismatch(
    services: Services, clock: FakeClock, task: Task, kevin: SignedIn, folder: Path
) -> None:
    with services.store.write() as session:
        session.add(ReferenceRecord(entity="nc_program", key=program_key(CODE, 3), data="{trunc"))
    service = nc_service(services, clock, folder_machine(folder))
    view = service.program(task.operation_id)
    assert view.held is not None and not view.held.checksum_ok
    assert refused(service, task, "SMT1-PNP", kevin) is Refusal.NC_CHECKSUM_MISMATCH
    assert [e.outcome for e in transferred(services)] == ["nc_checksum_mismatch"]


def test_an_old_version_is_refused_and_the_newest_held_is_the_one_that_counts(
    services: Services, clock: FakeClock, task: Task, kevin: SignedIn, folder: Path
) -> None:
    hold_program(services, CODE, 2, BODY)
    hold_program(services, CODE + ":X", 9, BODY)  # another program whose code starts the same
    service = nc_service(services, clock, folder_machine(folder))

    assert refused(service, task, "SMT1-PNP", kevin) is Refusal.NC_VERSION_OLD
    [event] = transferred(services)
    assert (event.outcome, event.version) == ("nc_version_old", 2)
    assert "needs version 3" in event.detail

    hold_program(services, CODE, 4, BODY + "N40 M30\n")
    assert service.send(task.operation_id, "SMT1-PNP", kevin).version == 4
    assert (folder / "MC200.nc").read_text() == BODY + "N40 M30\n"


def test_a_program_the_station_does_not_hold_is_refused_and_recorded(
    services: Services, clock: FakeClock, task: Task, kevin: SignedIn, folder: Path
) -> None:
    service = nc_service(services, clock, folder_machine(folder))
    assert service.program(task.operation_id).blocked_by is Refusal.NC_PROGRAM_MISSING
    assert refused(service, task, "SMT1-PNP", kevin) is Refusal.NC_PROGRAM_MISSING
    [event] = transferred(services)
    assert (event.outcome, event.program, event.version) == ("nc_program_missing", CODE, 3)


def test_an_operation_without_a_program_is_refused(
    services: Services, clock: FakeClock, kevin: SignedIn, folder: Path
) -> None:
    task = smt_task(services)
    needs(services, task, None, None)
    service = nc_service(services, clock, folder_machine(folder))
    assert service.program(task.operation_id).code is None
    assert refused(service, task, "SMT1-PNP", kevin) is Refusal.NO_NC_PROGRAM
    assert [e.outcome for e in transferred(services)] == ["no_nc_program"]


def test_a_machine_without_an_nc_entry_or_of_another_work_center_is_refused(
    services: Services, clock: FakeClock, task: Task, kevin: SignedIn, folder: Path
) -> None:
    hold_program(services, CODE, 3, BODY)
    screwdriver = folder_machine(folder.parent / "ASM1-SCREW", equipment="ASM1-SCREW")  # WC-ASM
    service = nc_service(services, clock, folder_machine(folder), screwdriver)

    # The operation's work center has SMT1-PNP and SMT1-REFLOW; only SMT1-PNP takes programs.
    assert [m.equipment for m in service.program(task.operation_id).machines] == ["SMT1-PNP"]
    assert refused(service, task, "SMT1-REFLOW", kevin) is Refusal.NC_MACHINE_NOT_CONFIGURED
    assert refused(service, task, "ASM1-SCREW", kevin) is Refusal.UNKNOWN_EQUIPMENT
    assert [(e.equipment, e.outcome) for e in transferred(services)] == [
        ("SMT1-REFLOW", "nc_machine_not_configured"),
        ("ASM1-SCREW", "unknown_equipment"),
    ]
    assert list(folder.iterdir()) == []


def test_permission_is_checked_first(
    services: Services, clock: FakeClock, kevin: SignedIn, folder: Path
) -> None:
    task = smt_task(services)
    needs(services, task, None, None)  # would be refused for that too, but later
    handler = signed_in(services, "E1007")  # material handler: sends no programs
    service = nc_service(services, clock, folder_machine(folder))
    assert refused(service, task, "SMT1-PNP", handler) is Refusal.NOT_PERMITTED
    [row] = transfers(services)
    assert (row.outcome, row.user_id) == ("not_permitted", handler.user_id)


def test_the_view_shows_what_is_needed_what_is_here_and_where_it_can_go(
    services: Services, clock: FakeClock, task: Task, folder: Path
) -> None:
    hold_program(services, CODE, 3, BODY, file_name="O1200.nc")
    service = nc_service(services, clock, folder_machine(folder))
    view = service.program(task.operation_id)
    assert (view.code, view.least_version, view.blocked_by) == (CODE, 3, None)
    assert view.held is not None
    assert (view.held.version, view.held.file_name, view.held.size) == (3, "O1200.nc", len(BODY))
    assert view.held.checksum_ok
    [target] = view.machines
    assert (target.equipment, target.kind, target.target) == ("SMT1-PNP", "folder", str(folder))
    assert "Yamaha" in target.name
    assert transfers(services) == []  # looking sends and records nothing


# --- kiosk sim dnc --------------------------------------------------------------------


def test_kiosk_sim_dnc_is_a_machine_that_shows_what_it_receives(tmp_path: Path) -> None:
    link = tmp_path / "by-id" / "usb-cnc"
    sim = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "sim", "dnc", "--link", str(link)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert sim.stdout is not None
    try:
        assert str(link) in sim.stdout.readline()  # printed once the port exists
        send_program(str(link), frame(BODY.encode()), baud=FAST, timeout=5)
        lines = [sim.stdout.readline() for _ in range(len(BODY.splitlines()) + 2)]
        assert [line.rstrip("\r\n") for line in lines] == ["%", *BODY.splitlines(), "%"]
        sim.send_signal(signal.SIGINT)  # Ctrl+C: the machine is switched off
        assert sim.wait(timeout=30) == 0
        assert not link.is_symlink()
    finally:
        if sim.poll() is None:
            sim.kill()
        sim.stdout.close()


# --- a send cut short ------------------------------------------------------------------


def _send_cut_short(
    services: Services, clock: FakeClock, task: Task, kevin: SignedIn, folder: Path
) -> NcTransfer:
    """A send whose process stops in the middle: the row written before it is all there is."""
    hold_program(services, CODE, 3, BODY)
    service = nc_service(services, clock, folder_machine(folder))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("kiosk.nc_programs.write_program", _power_cut)
        with pytest.raises(KeyboardInterrupt):
            service.send(task.operation_id, "SMT1-PNP", kevin)
    [row] = transfers(services)
    assert row.outcome == "sending"
    assert transferred(services) == []  # no outcome known yet, so no event
    return row


def _power_cut(*_: object) -> None:
    raise KeyboardInterrupt  # stands for the process dying: nothing after it runs


def test_a_send_cut_short_is_recorded_as_interrupted_once_its_process_is_gone(
    services: Services, clock: FakeClock, task: Task, kevin: SignedIn, folder: Path
) -> None:
    row = _send_cut_short(services, clock, task, kevin, folder)
    service = nc_service(services, clock, folder_machine(folder))
    assert service.settle_interrupted() == 0  # its process (this one) may still be at it

    clock.boot = "the next boot"
    assert nc_service(services, clock, folder_machine(folder)).settle_interrupted() == 1

    [settled] = transfers(services)
    assert (settled.id, settled.outcome, settled.sender) == (row.id, "interrupted", None)
    [event] = transferred(services)
    assert (event.outcome, event.program, event.version) == ("interrupted", CODE, 3)
    assert service.program(task.operation_id).interrupted == ("SMT1-PNP",)
    assert service.settle_interrupted() == 0  # settled once
    service.send(task.operation_id, "SMT1-PNP", kevin)
    assert service.program(task.operation_id).interrupted == ()  # sent again since


def test_the_station_settles_cut_short_sends_when_it_opens(
    services: Services,
    clock: FakeClock,
    task: Task,
    kevin: SignedIn,
    folder: Path,
    config: StationConfig,
) -> None:
    _send_cut_short(services, clock, task, kevin, folder)
    clock.boot = "after the power cut"
    reopened = open_services(config, clock)
    try:
        assert [t.outcome for t in transfers(reopened)] == ["interrupted"]
    finally:
        reopened.close()


def test_a_send_begun_by_a_process_that_has_exited_is_interrupted(
    services: Services, clock: FakeClock, task: Task, kevin: SignedIn, folder: Path
) -> None:
    row = _send_cut_short(services, clock, task, kevin, folder)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], check=True,
                          capture_output=True, text=True).stdout.strip()  # fmt: skip
    with services.store.write() as session:
        begun = session.get(NcTransfer, row.id)
        assert begun is not None
        begun.sender = f"{clock.boot_id()}:{gone}"
        session.add(begun)

    assert nc_service(services, clock, folder_machine(folder)).settle_interrupted() == 1
    assert [t.outcome for t in transfers(services)] == ["interrupted"]
