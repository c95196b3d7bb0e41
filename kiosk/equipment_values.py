"""The vocabulary of equipment at a station: states, stop reasons, a shift's times. Plain
values, no storage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class MachineState(StrEnum):
    """In the order the equipment screen offers them (digits 1-6)."""

    RUNNING = "running"
    IDLE = "idle"
    WAITING_MATERIAL = "waiting_material"
    CHANGEOVER = "changeover"
    DOWN = "down"
    MAINTENANCE = "maintenance"  # a technician works on it


# The states that stop production need a stop reason from the plant's list.
STOPS = frozenset(
    {MachineState.IDLE, MachineState.WAITING_MATERIAL, MachineState.CHANGEOVER, MachineState.DOWN}
)


@dataclass(frozen=True)
class Equipment:
    code: str
    name: str
    work_center: str
    has_daily_check: bool


@dataclass(frozen=True)
class StopReason:
    code: str
    name: str  # in the language it was asked for


@dataclass(frozen=True)
class StateChanged:
    equipment: str
    state: MachineState
    previous: str  # "" for the machine's first change
    maintenance_order: str | None  # the number of the order a breakdown opened


@dataclass(frozen=True)
class EquipmentShift:
    """One machine in the current shift; `state` is None until its first change."""

    equipment: Equipment
    state: MachineState | None
    reason: str
    since: datetime | None  # when the current state began (wall time, for display)
    seconds_in_state: float  # how long it has been in it (monotonic within a boot)
    seconds: dict[str, float]  # time in each state since the shift began
    shift_seconds: float  # the shift so far: the planned time
    availability: float | None  # running / planned; None until the first change
