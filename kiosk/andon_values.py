"""The values exceptions (andon) are made of and answer with: plain data, no storage, so the
screens can use them without loading the database layer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Category(StrEnum):
    """What went wrong; the order is the digit that raises it (1 material ... 5 other)."""

    MATERIAL = "material"
    EQUIPMENT = "equipment"
    QUALITY = "quality"
    SAFETY = "safety"
    OTHER = "other"


class Severity(StrEnum):
    """How bad it is, mildest first."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


SEVERITY_RANK = {severity.value: rank for rank, severity in enumerate(Severity)}


@dataclass(frozen=True)
class RaiseRequest:
    """What the person raising an exception says; `operation_id` is the selected task, which
    names the work center it belongs to (none: the station's first work center)."""

    category: Category
    severity: Severity = Severity.MEDIUM
    note: str = ""
    equipment: str = ""  # an equipment code of that work center, or none
    operation_id: str | None = None


@dataclass(frozen=True)
class EquipmentChoice:
    code: str
    name: str


@dataclass(frozen=True)
class RaiseContext:
    """Where an exception raised now would belong, and the equipment it may name."""

    work_center: str
    operation: str  # "WO-1234 20 Reflow", or "" without a task
    equipment: tuple[EquipmentChoice, ...]


@dataclass(frozen=True)
class OpenException:
    """An exception of the line, not yet resolved, as the board shows it. Category and
    severity are plain text: a row from a newer hub may carry a value this station does not
    know, and it is shown as it is."""

    exception_id: str
    code: str  # eight characters read out on the floor (kiosk.ids.short_code)
    station_id: str
    work_center: str
    category: str
    severity: str
    level: int
    note: str
    equipment: str
    operation: str  # "WO-1234 20 Reflow" where the operation is known here
    raised_at: datetime
    raised_by: str  # a name where the person is known here, else their id
    age_seconds: float  # since it was raised, as of the listing
    acknowledged: bool
    acknowledged_by: str  # a name where the person is known here, else their id
    ack_seconds: float | None


@dataclass(frozen=True)
class AndonSummary:
    """What home's one line says: how many are open, the highest level any reached."""

    open: int
    highest_level: int
    unacknowledged: int


@dataclass(frozen=True)
class ReasonChoice:
    """One entry of the plant's causes or actions, named in the person's language."""

    code: str
    name: str


@dataclass(frozen=True)
class Resolution:
    """How a team lead resolved it: a cause and an action from the plant's lists."""

    cause: str
    action: str
    note: str = ""


@dataclass(frozen=True)
class Acknowledged:
    exception_id: str
    code: str
    seconds: float  # from raised to acknowledged


@dataclass(frozen=True)
class Resolved:
    exception_id: str
    code: str
    ack_seconds: float
    seconds: float  # from raised to resolved


@dataclass(frozen=True)
class Escalated:
    """An exception that reached `level` just now because nobody acknowledged it."""

    exception_id: str
    code: str
    category: str
    severity: str
    work_center: str
    equipment: str
    level: int
