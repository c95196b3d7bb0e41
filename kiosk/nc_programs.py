"""Machine programs (NC, 加工程序): what an operation needs, and sending it to a machine.

The hub delivers programs as reference records (entity "nc_program", key f"{code}:{version}",
sync.reference.NcProgramRecord); the routing names the least version an operation needs. A
send is checked, in order: permission, the operation needs a program, the station holds it,
its version is new enough, its body matches its checksum, the machine is one of the
operation's work center with an [[nc.machines]] entry. A refusal is recorded too (transfer
row and `nc.transferred` event, committed) before it is raised.

The transfer itself (a folder, or DNC over a serial line) is slow I/O: it runs outside any
transaction, so the SQLite write lock is never held while a machine holds XOFF; its result
is recorded right after it. No Textual here: screens call this from workers.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError
from sqlmodel import Session, col, select

from devices.dnc import frame, send_program
from devices.nc_failure import TransferFailed
from devices.nc_folder import write_program
from kiosk.clock import Clock
from kiosk.config import NcMachine
from kiosk.identity import SignedIn
from kiosk.ids import new_id
from kiosk.nc_values import (
    HeldProgram,
    NcProgramView,
    NcTarget,
    NcTransferResult,
    TransferOutcome,
)
from kiosk.roles import Permission
from kiosk.store.database import Store
from kiosk.store.models import NcTransfer, Operation, ReferenceRecord
from kiosk.work import Refusal, Refused
from sync.reference import NcProgramRecord

TRANSFERRED = "nc.transferred"
PROGRAM_ENTITY = "nc_program"
_SENDING = "sending"  # a transfer row's outcome while its send is under way
# How long a machine may hold a DNC send paused (XOFF) beyond the bytes' time on the wire.
DNC_PATIENCE_SECONDS = 30.0


def program_key(code: str, version: int) -> str:
    """The reference record key of one version of a program."""
    return f"{code}:{version}"


@dataclass(frozen=True)
class _Held:
    version: int
    record: NcProgramRecord | None  # None: the stored row does not parse (damaged)

    def view(self) -> HeldProgram:
        record = self.record
        if record is None:
            return HeldProgram(self.version, "", 0, checksum_ok=False)
        body = record.body.encode("utf-8")
        return HeldProgram(self.version, record.file_name, len(body), _checksum_ok(record))


@dataclass
class _Attempt:
    """One send as far as it got: what a refusal or a result is recorded with."""

    operation_id: str
    equipment: str
    code: str = ""
    version: int = 0
    checksum: str = ""
    target: str = ""
    detail: str = ""


class NcProgramService:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        work_centers: Sequence[str],
        machines: Sequence[NcMachine],
        dnc_patience: float = DNC_PATIENCE_SECONDS,
    ) -> None:
        self._store = store
        self._clock = clock
        self._work_centers = set(work_centers)
        self._machines = {machine.equipment: machine for machine in machines}
        self._dnc_patience = dnc_patience

    def program(self, operation_id: str) -> NcProgramView:
        """What the operation needs, what this station holds, and where it can go."""
        with self._store.read() as session:
            operation = self._operation(session, operation_id)
            held = _newest(session, operation.nc_program) if operation.nc_program else None
            return NcProgramView(
                operation_id=operation_id,
                code=operation.nc_program,
                least_version=operation.nc_version,
                held=held.view() if held is not None else None,
                machines=self._targets(session, operation.work_center),
                blocked_by=_program_refusal(operation, held),
                interrupted=_interrupted(session, operation_id),
            )

    def send(self, operation_id: str, equipment: str, who: SignedIn) -> NcTransferResult:
        """Check, send through the device layer, record the outcome; raises Refused (after
        recording the refusal). A device failure is recorded and answered, not raised."""
        machine = self._machines.get(equipment)
        attempt = _Attempt(operation_id, equipment, target=machine.target if machine else "")
        with self._store.read() as session:
            checked = self._check(session, attempt, who)
        if isinstance(checked, Refusal):
            self._record(attempt, checked.value, who)
            raise Refused(checked)
        record, machine = checked
        row_id = self._begin(attempt, who)
        try:
            self._deliver(machine, record)
        except TransferFailed as failed:
            attempt.detail = str(failed)
            self._record(attempt, TransferOutcome.FAILED.value, who, row_id)
            return self._result(attempt, TransferOutcome.FAILED, failed.problem.value)
        self._record(attempt, TransferOutcome.SENT.value, who, row_id)
        return self._result(attempt, TransferOutcome.SENT, "")

    def settle_interrupted(self) -> int:
        """Record as interrupted every send whose process stopped before its outcome was
        written (a crash, a power cut): the machine may hold it, part of it, or the old
        program. Sends of live processes are left alone. Returns how many were settled."""
        with self._store.write() as session:
            rows = session.exec(select(NcTransfer).where(NcTransfer.outcome == _SENDING)).all()
            stopped = [row for row in rows if not self._alive(row.sender or "")]
            for row in stopped:
                row.outcome = TransferOutcome.INTERRUPTED.value
                row.sender = None
                session.add(row)
                self._store.outbox.append(
                    session, TRANSFERRED, _payload(row), row.user_id, subject_id=row.operation_id
                )
        return len(stopped)

    # Checks: each fills in the attempt as far as it knows.

    def _check(
        self, session: Session, attempt: _Attempt, who: SignedIn
    ) -> Refusal | tuple[NcProgramRecord, NcMachine]:
        """Why the send is refused, or the program and the machine it goes to."""
        if not who.may(Permission.SEND_PROGRAM):
            return Refusal.NOT_PERMITTED
        try:
            operation = self._operation(session, attempt.operation_id)
        except Refused as refused:
            return refused.reason
        attempt.code = operation.nc_program or ""
        attempt.version = operation.nc_version or 0
        held = _newest(session, operation.nc_program) if operation.nc_program else None
        if held is not None:
            attempt.version = held.version
            attempt.checksum = held.record.checksum if held.record is not None else ""
        refusal = _program_refusal(operation, held)
        if refusal is Refusal.NC_VERSION_OLD:
            attempt.detail = f"needs version {operation.nc_version} or later"
        elif refusal is Refusal.NC_CHECKSUM_MISMATCH:
            attempt.detail = _damage(held)
        if refusal is not None:
            return refusal
        assert held is not None and held.record is not None  # else refused just above
        machine = self._machines.get(attempt.equipment)
        if machine is None:
            return Refusal.NC_MACHINE_NOT_CONFIGURED
        targets = self._targets(session, operation.work_center)
        if attempt.equipment not in {target.equipment for target in targets}:
            attempt.detail = f"not equipment of {operation.work_center}"
            return Refusal.UNKNOWN_EQUIPMENT
        return held.record, machine

    def _operation(self, session: Session, operation_id: str) -> Operation:
        operation = session.get(Operation, operation_id)
        if operation is None:
            raise Refused(Refusal.UNKNOWN_OPERATION)
        if operation.work_center not in self._work_centers:
            raise Refused(Refusal.NOT_AT_THIS_STATION)
        return operation

    def _targets(self, session: Session, work_center: str) -> tuple[NcTarget, ...]:
        """The work center's equipment that has an [[nc.machines]] entry, by code."""
        rows = session.exec(
            select(ReferenceRecord.data).where(ReferenceRecord.entity == "equipment")
        ).all()
        found = []
        for data in map(json.loads, rows):
            machine = self._machines.get(data.get("code", ""))
            if machine is not None and data.get("work_center") == work_center:
                found.append(
                    NcTarget(machine.equipment, data.get("name", ""), machine.kind, machine.target)
                )
        return tuple(sorted(found, key=lambda target: target.equipment))

    # The transfer and its record.

    def _deliver(self, machine: NcMachine, record: NcProgramRecord) -> None:
        body = record.body.encode("utf-8")
        if machine.kind == "folder":
            write_program(Path(machine.target), record.file_name, body)
        else:
            data = frame(body)
            send_program(machine.target, data, baud=machine.baud, timeout=self._dnc_patience)

    def _begin(self, attempt: _Attempt, who: SignedIn) -> str:
        """Write the send down before it starts: a crash during it leaves this row behind
        for settle_interrupted."""
        row = self._row(attempt, _SENDING, who)
        row.sender = self._sender()
        with self._store.write() as session:
            session.add(row)
        return row.id

    def _record(
        self, attempt: _Attempt, outcome: str, who: SignedIn, row_id: str | None = None
    ) -> None:
        """The outcome and its event, in one transaction (over the begun row, if any)."""
        with self._store.write() as session:
            row = session.get(NcTransfer, row_id) if row_id is not None else None
            fresh = self._row(attempt, outcome, who)
            if row is not None:
                row.outcome, row.detail, row.sender = outcome, attempt.detail, None
                row.sent_at = fresh.sent_at
                fresh = row
            session.add(fresh)
            self._store.outbox.append(
                session, TRANSFERRED, _payload(fresh), who.user_id, subject_id=attempt.operation_id
            )

    def _row(self, attempt: _Attempt, outcome: str, who: SignedIn) -> NcTransfer:
        return NcTransfer(
            id=new_id(),
            operation_id=attempt.operation_id,
            equipment=attempt.equipment,
            program=attempt.code,
            version=attempt.version,
            checksum=attempt.checksum,
            target=attempt.target,
            outcome=outcome,
            detail=attempt.detail,
            sent_at=self._clock.now(),
            user_id=who.user_id,
        )

    def _sender(self) -> str:
        return f"{self._clock.boot_id()}:{os.getpid()}"

    def _alive(self, sender: str) -> bool:
        """Whether the process that began a send may still be at it."""
        boot, _, pid = sender.rpartition(":")
        if boot != self._clock.boot_id() or not pid.isdigit():
            return False  # begun before this boot: nothing of it runs now
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True  # another user's process: it exists
        return True

    @staticmethod
    def _result(attempt: _Attempt, outcome: TransferOutcome, problem: str) -> NcTransferResult:
        return NcTransferResult(
            outcome=outcome,
            equipment=attempt.equipment,
            code=attempt.code,
            version=attempt.version,
            target=attempt.target,
            problem=problem,
            detail=attempt.detail,
        )


def _interrupted(session: Session, operation_id: str) -> tuple[str, ...]:
    """The machines whose last send for the operation was cut short."""
    rows = session.exec(
        select(NcTransfer)
        .where(NcTransfer.operation_id == operation_id)
        .order_by(col(NcTransfer.sent_at))
    ).all()
    last = {row.equipment: row.outcome for row in rows}
    return tuple(sorted(e for e, outcome in last.items() if outcome == TransferOutcome.INTERRUPTED))


def _payload(row: NcTransfer) -> dict[str, object]:
    return {
        "equipment": row.equipment,
        "program": row.program,
        "version": row.version,
        "checksum": row.checksum,
        "target": row.target,
        "outcome": row.outcome,
        "operation_id": row.operation_id,
        "detail": row.detail,
    }


def _newest(session: Session, code: str) -> _Held | None:
    """The newest version of `code` this station holds, by the version in its key."""
    rows = session.exec(
        select(ReferenceRecord).where(
            ReferenceRecord.entity == PROGRAM_ENTITY,
            col(ReferenceRecord.key).startswith(f"{code}:", autoescape=True),
        )
    ).all()
    versions = {}
    for row in rows:
        suffix = row.key[len(code) + 1 :]
        if suffix.isdigit():  # not the key of a longer code that starts with this one
            versions[int(suffix)] = row
    if not versions:
        return None
    version = max(versions)
    try:
        record: NcProgramRecord | None = NcProgramRecord.model_validate_json(versions[version].data)
    except ValidationError:
        record = None
    return _Held(version, record)


def _program_refusal(operation: Operation, held: _Held | None) -> Refusal | None:
    """Why the program held here may not go to any machine, or None."""
    if operation.nc_program is None:
        return Refusal.NO_NC_PROGRAM
    if held is None:
        return Refusal.NC_PROGRAM_MISSING
    if held.version < (operation.nc_version or 0):
        return Refusal.NC_VERSION_OLD
    if held.record is None or not _checksum_ok(held.record):
        return Refusal.NC_CHECKSUM_MISMATCH
    return None


def _checksum_ok(record: NcProgramRecord) -> bool:
    actual = hashlib.sha256(record.body.encode("utf-8")).hexdigest()
    return actual == record.checksum.strip().lower()


def _damage(held: _Held | None) -> str:
    if held is None or held.record is None:
        return "the stored record cannot be read"
    actual = hashlib.sha256(held.record.body.encode("utf-8")).hexdigest()
    return f"checksum {held.record.checksum}, body {actual}"
