"""Machine programs (NC) as the station shows them: plain values, no storage
(kiosk/nc_programs.py finds and sends them)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kiosk.work import Refusal


class TransferOutcome(StrEnum):
    SENT = "sent"
    FAILED = "failed"  # the device layer could not deliver it: `problem` says what failed
    # The station stopped during the send: what the machine holds is unknown.
    INTERRUPTED = "interrupted"


@dataclass(frozen=True)
class NcTarget:
    """A machine of the operation's work center that programs can be sent to."""

    equipment: str
    name: str
    kind: str  # "folder" or "serial"
    target: str  # the folder, or the serial port


@dataclass(frozen=True)
class HeldProgram:
    """The newest version of the program this station holds."""

    version: int
    file_name: str
    size: int  # bytes of the body as UTF-8
    checksum_ok: bool  # the body's SHA-256 is the one the hub gave (False: damaged)


@dataclass(frozen=True)
class NcProgramView:
    operation_id: str
    code: str | None  # the program the operation needs; None: it needs none
    least_version: int | None
    held: HeldProgram | None  # None: the hub has not delivered it here
    machines: tuple[NcTarget, ...]
    blocked_by: Refusal | None  # what a send would be refused for, whichever machine
    interrupted: tuple[str, ...] = ()  # machines whose last send for it was cut short


@dataclass(frozen=True)
class NcTransferResult:
    outcome: TransferOutcome
    equipment: str
    code: str
    version: int
    target: str
    problem: str = ""  # on failure: devices.nc_failure.Problem's value
    detail: str = ""  # on failure: the system's own words
