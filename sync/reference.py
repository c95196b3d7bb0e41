"""Reference data the hub sends to stations: one record shape per entity, shared by both ends.

A record is keyed by (entity, key). Its scope is the set of work centers it concerns, or
every station when empty. The station applies entities in `ENTITY_ORDER`, so a row's
parents are present before it.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WorkCenterRecord(_Record):
    code: str
    name: str


class ItemRecord(_Record):
    code: str
    description: str
    unit: str = "pcs"


class UserRecord(_Record):
    id: str
    employee_no: str
    name: str
    role: str
    language: str = "zh_CN"
    badge_hash: str
    pin_hash: str | None = None
    active: bool = True


class WorkOrderRecord(_Record):
    id: str
    number: str
    item_code: str
    qty_planned: int
    priority: int = 5
    due_date: date
    status: str = "released"


class OperationRecord(_Record):
    id: str
    work_order_id: str
    seq: int
    name: str
    work_center: str
    qty_planned: int
    sop_code: str | None = None
    binds_serials: bool = False
    needs_previous_op: bool = False
    nc_program: str | None = None  # the machine program's code, and the least version
    nc_version: int | None = None


class BomLineRecord(_Record):
    id: str
    operation_id: str
    item_code: str
    qty_per_unit: float


class LotRecord(_Record):
    id: str
    lot_no: str
    item_code: str
    qty: float
    status: str = "released"
    expires_on: date | None = None
    supplier: str = ""


class SopRecord(_Record):
    id: str
    code: str
    version: int
    language: str
    title: str
    body: str
    effective_from: date


class CheckItemRecord(_Record):
    """One item of an equipment's daily check (点检): pass/fail, or a value within limits."""

    code: str
    text_zh: str
    text_en: str
    kind: str = "pass_fail"  # or "value"
    lsl: float | None = None  # the value's limits, where it has them
    usl: float | None = None
    unit: str = ""


class EquipmentRecord(_Record):
    code: str
    name: str
    work_center: str
    kind: str = ""
    daily_check: list[CheckItemRecord] = Field(default_factory=list)  # empty: no check


class MaintenancePlanRecord(_Record):
    """Preventive maintenance: due every `every_days`, `every_run_hours` (time in the
    running state) or `every_units` (good units reported at its work center), whichever
    one is set, counted from the plan's last close; before its first close, from
    `counts_from` (the plan's start, or when the hub first had it)."""

    code: str
    equipment: str
    title_zh: str
    title_en: str
    every_days: int | None = None
    every_run_hours: float | None = None
    every_units: int | None = None
    counts_from: datetime | None = None  # None from a hub that predates it


class NcProgramRecord(_Record):
    """A machine program: `checksum` is the SHA-256 (hex) of `body` as UTF-8."""

    code: str
    version: int
    file_name: str
    checksum: str
    body: str


class CharacteristicRecord(_Record):
    """One thing an inspection checks: a value measured against its limits ("variable"),
    or pass/fail with the defects the plant names for it ("attribute")."""

    code: str
    name_zh: str
    name_en: str
    kind: str = "attribute"  # or "variable"
    nominal: float | None = None
    lsl: float | None = None  # variable: at least one limit
    usl: float | None = None
    unit: str = ""
    decimals: int = 2  # variable: how values are entered and shown
    gauge: str = ""  # the gauge to measure it with, as the inspector knows it
    defects: list[str] = Field(default_factory=list)  # attribute: "defect" reason codes


class InspectionPlanRecord(_Record):
    """What to inspect of an item, and when: "first_article" (the first unit(s) after an
    operation starts; blocks its reports until passed), "patrol" (every `every_units` good
    units or `every_minutes` of running), or "final" (a lot, sampled by ISO 2859-1 at `aql`
    and `level`). First-article and patrol inspect `sample_size` units. `reduced_allowed`:
    the responsible authority approved reduced inspection for a final plan (ISO 2859-1,
    9.3.3)."""

    id: str
    code: str
    item_code: str
    operation_seq: int | None = None  # None: the work order's last operation
    kind: str
    characteristics: list[CharacteristicRecord] = Field(default_factory=list)
    sample_size: int = 1
    every_units: int | None = None
    every_minutes: int | None = None
    aql: str | None = None  # final: one of ISO 2859-1's preferred AQLs, as text ("1.0")
    level: str = "II"
    reduced_allowed: bool = False


class ReasonCodeRecord(_Record):
    """One entry of the plant's lists of reasons, e.g. kind "scrap": why units were scrapped."""

    kind: str
    code: str
    name_zh: str
    name_en: str


RECORD_TYPES: dict[str, type[_Record]] = {
    "work_center": WorkCenterRecord,
    "item": ItemRecord,
    "user": UserRecord,
    "work_order": WorkOrderRecord,
    "operation": OperationRecord,
    "bom_line": BomLineRecord,
    "lot": LotRecord,
    "sop": SopRecord,
    "equipment": EquipmentRecord,
    "inspection_plan": InspectionPlanRecord,
    "reason_code": ReasonCodeRecord,
    "maintenance_plan": MaintenancePlanRecord,
    "nc_program": NcProgramRecord,
}
ENTITY_ORDER: tuple[str, ...] = tuple(RECORD_TYPES)
