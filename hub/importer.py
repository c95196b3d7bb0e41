"""Importing reference data from the ERP hand-off: JSON or CSV files in, hub records out.

A JSON document is an object whose sections are all optional: work_centers, items, users,
work_orders (each with its operations, each operation with its bom), lots, sops, equipment,
inspection_plans, reason_codes, maintenance_plans and nc_programs. A CSV file holds one
entity, named by the caller or by the file stem: work_centers, items, users, work_orders,
operations, bom, lots, sops, equipment, reason_codes, maintenance_plans or nc_programs
(inspection plans carry lists of characteristics, so they come as JSON only). A CSV file
needs a header row, may start with a UTF-8 BOM, and an empty cell means the field's default;
a true/false cell may also say 1/0 or yes/no, in any case.

Equipment may carry its daily check (点检) items, in JSON only (a list of objects per
machine does not fit a cell): a JSON equipment row without "daily_check", and every
equipment.csv row, keeps the items the hub has; "daily_check": [] removes them. A value item
has at least one limit, a pass/fail item none.

A maintenance plan names known equipment and exactly one interval: every_days,
every_run_hours or every_units. It reaches the stations of its equipment's work center
(and follows the equipment when an import moves it). Until its first close it counts from
counts_from (a date), by default from the day the hub first had it.

An inspection plan says what to inspect of an item (item_code) at one operation of its
routing (operation_seq; none: the work order's last), and when, by its kind:
"first_article" (the first sample_size units, default 1, after the operation starts),
"patrol" (sample_size units every_units good units or every_minutes of running: exactly one
of the two) or "final" (a lot sampled by ISO 2859-1: an aql, one of kiosk.qc_sampling.AQLS
as text or number, kept as its text, e.g. "0.65"; a level, one of LEVELS, "II" by default;
no sample_size, the sampling decides it; reduced_allowed, false by default: true once the
responsible authority approved reduced inspection for it). Only a final plan has an aql, a
level and reduced_allowed, only a patrol plan an interval. A final plan whose sampling a
station discontinued (5 lots not accepted on tightened inspection) resumes, at tightened
inspection, when it is imported changed after the corrective action. A plan has at least
one characteristic, each with a code unique in the plan and Chinese and English names. A
"variable" one is measured: at least one of lsl and usl (lsl below usl), a nominal within them
if given, a unit, decimals (0 to 6, default 2) and a gauge. An "attribute" one (the default)
is judged pass/fail: no limits or nominal, and the defects an inspector may name for it,
codes of reason kind "defect" imported now or on the hub (none: plain pass/fail). A user of
role qc_inspector needs a PIN, to sign dispositions with.

A machine program (NC) is a code, a version and a file_name, with its text given as "body" or
read from "file", a path relative to the folder of the import file (so not over HTTP) and
inside it, read as UTF-8 without any newline translation: its checksum, which the importer
computes, is the SHA-256 of the file's bytes. A version once imported never changes: the same
version with other content is refused, a changed program is a new version. Programs reach
every station: a station must hold a program before it runs the operation offline, and an
operation may be routed to any work center later. An operation may name the program it runs
(nc_program, a code imported now or on the hub) and the least version it needs (nc_version,
a version of it that exists).

An operation's routing flags: binds_serials (units' serial numbers are bound to it) and
needs_previous_op (a serial must have been through an earlier operation first, so some
operation with a lower seq in the same routing must bind serials). A reason code is a kind
(one of REASON_KINDS), a code unique within its kind, and its Chinese and English names.

Record keys and ids come from natural keys, so importing again updates the same records. A
routing the import gives replaces the work order's operations (the ones left out are
deleted with their BOM lines), and a BOM it gives replaces the operation's lines. When it
gives none (a JSON work order without "operations", an operation without "bom", a
work_orders.csv, an operations.csv without bom.csv), the hub's are kept.

Each problem starts with where it is: "users.csv row 3", counting the header as row 1 (so
the first data row is row 2, and a quoted cell spanning lines is still one row), or a JSON
path counting from 0, e.g. "work_orders[2].operations[0]". Nothing is written unless the
whole import is valid.
"""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any, Generic, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    StringConstraints,
    ValidationError,
    model_validator,
)
from pydantic_core import ErrorDetails, PydanticCustomError
from sqlalchemy import ColumnElement, Connection, Engine, func, select, true

from hub.db import write
from hub.nc_files import MAX_PROGRAM_BYTES, ProgramFileProblem, checksum, read_program
from hub.records import Record, write_records
from hub.tables import record
from kiosk.config import Language
from kiosk.qc_sampling import AQLS, LEVELS
from kiosk.roles import Role
from kiosk.security import badge_hash, pin_hash, pin_matches
from kiosk.work import LotStatus, WorkOrderStatus
from sync.reference import (
    ENTITY_ORDER,
    BomLineRecord,
    EquipmentRecord,
    InspectionPlanRecord,
    ItemRecord,
    LotRecord,
    MaintenancePlanRecord,
    NcProgramRecord,
    OperationRecord,
    ReasonCodeRecord,
    SopRecord,
    UserRecord,
    WorkCenterRecord,
    WorkOrderRecord,
)

MAX_PROBLEMS = 50
# The lists of reasons a plant keeps; later flows add theirs here.
REASON_KINDS: tuple[str, ...] = ("scrap", "stop", "cause", "action", "defect")
_NAMESPACE = uuid.UUID("78e05974-be23-4dc9-80ae-9b6fd424f76f")
_CHUNK = 1000  # records per write_records call
_REPORT_EVERY = 500  # rows between progress reports


class ImportProblems(Exception):
    """The import was refused as a whole; `problems` (at most MAX_PROBLEMS) say where and why."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems[:MAX_PROBLEMS])
        self.more = len(problems) - len(self.problems)
        super().__init__(*self.problems)

    def __str__(self) -> str:
        total = len(self.problems) + self.more
        lines = [f"{total} problem{'' if total == 1 else 's'}:"]
        lines += [f"  {problem}" for problem in self.problems]
        if self.more:
            lines.append(f"  ... and {self.more} more")
        return "\n".join(lines)


# --- what a row may hold ----------------------------------------------------------------


def _no_colon(value: str) -> str:
    # ":" joins the parts of composite record keys such as "WO-1:10".
    if ":" in value:
        raise PydanticCustomError("no_colon", "must not contain ':'")
    return value


def _iso_date(value: object) -> date:
    # Not pydantic's date: that one takes a number as a Unix timestamp.
    if isinstance(value, str):
        with suppress(ValueError):
            return date.fromisoformat(value.strip())
    raise PydanticCustomError("iso_date", "must be a date like 2026-12-01")


def _pin_digits(value: str) -> str:
    if not re.fullmatch(r"[0-9]{4,12}", value):
        raise PydanticCustomError("pin", "must be 4 to 12 digits")
    return value


def _aql(value: object) -> str:
    # Compared as numbers, so 1, "1" and "1.00" are all the preferred AQL "1.0".
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        with suppress(InvalidOperation, ValueError):  # not a number; not one of them
            return str(AQLS[AQLS.index(Decimal(str(value).strip()))])
    raise PydanticCustomError(
        "one_of", "must be one of {choices}", {"choices": ", ".join(map(str, AQLS))}
    )


def _one_of(choices: Iterable[str]) -> AfterValidator:
    allowed = tuple(choices)

    def check(value: str) -> str:
        if value not in allowed:
            raise PydanticCustomError(
                "one_of", "must be one of {choices}", {"choices": ", ".join(allowed)}
            )
        return value

    return AfterValidator(check)


_Stripped = StringConstraints(strip_whitespace=True)
Code = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64),
    AfterValidator(_no_colon),
]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
IsoDate = Annotated[date, PlainValidator(_iso_date)]
Positive = Annotated[int, Field(gt=0)]
Aql = Annotated[str, PlainValidator(_aql)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class WorkCenterIn(_In):
    code: Code
    name: Name


class ItemIn(_In):
    code: Code
    description: str
    unit: Name = "pcs"


class UserIn(_In):
    employee_no: Code
    name: Name
    role: Annotated[str, _Stripped, _one_of(Role)]
    language: Annotated[str, _Stripped, _one_of(Language)] = "zh_CN"
    badge: Name
    # None: the user has no PIN (a PIN the hub had is removed).
    pin: Annotated[str, _Stripped, AfterValidator(_pin_digits)] | None = None
    active: bool = True

    @model_validator(mode="after")
    def _signs_with_a_pin(self) -> UserIn:
        if self.role == Role.QC_INSPECTOR and self.pin is None:
            raise PydanticCustomError("pin", "a QC inspector signs dispositions and needs a PIN")
        return self


class WorkOrderIn(_In):
    number: Code
    item_code: Code
    qty_planned: Positive
    priority: Positive = 5
    due_date: IsoDate
    status: Annotated[str, _Stripped, _one_of(WorkOrderStatus)] = "released"


class _OperationFields(_In):
    seq: Positive
    name: Name
    work_center: Code
    qty_planned: Positive | None = None  # None: the work order's
    sop_code: Code | None = None
    binds_serials: bool = False
    needs_previous_op: bool = False
    nc_program: Code | None = None
    nc_version: Positive | None = None  # None: any version of nc_program

    @model_validator(mode="after")
    def _version_of_a_program(self) -> _OperationFields:
        if self.nc_version is not None and self.nc_program is None:
            raise PydanticCustomError("nc_version", "nc_version needs an nc_program")
        return self


class OperationIn(_OperationFields):
    work_order: Code


class _BomFields(_In):
    item_code: Code
    qty_per_unit: Annotated[float, Field(gt=0)]


class BomLineIn(_BomFields):
    work_order: Code
    op_seq: Positive


class _OperationJson(_OperationFields):
    bom: list[_BomFields] | None = None


class _WorkOrderJson(WorkOrderIn):
    operations: list[_OperationJson] | None = None


class LotIn(_In):
    lot_no: Code
    item_code: Code
    qty: Annotated[float, Field(ge=0)]
    status: Annotated[str, _Stripped, _one_of(LotStatus)] = "released"
    expires_on: IsoDate | None = None
    supplier: str = ""


class SopIn(_In):
    code: Code
    version: Positive
    language: Annotated[str, _Stripped, _one_of(Language)]
    title: Name
    body: str
    effective_from: IsoDate


class CheckItemIn(_In):
    code: Code
    text_zh: Name
    text_en: Name
    kind: Annotated[str, _Stripped, _one_of(("pass_fail", "value"))] = "pass_fail"
    lsl: float | None = None
    usl: float | None = None
    unit: str = ""

    @model_validator(mode="after")
    def _limits_fit_the_kind(self) -> CheckItemIn:
        limits = (self.lsl, self.usl)
        if self.kind == "value" and limits == (None, None):
            raise PydanticCustomError("limits", "a value item needs lsl or usl")
        if self.kind == "pass_fail" and limits != (None, None):
            raise PydanticCustomError("limits", "a pass_fail item has no limits")
        if self.lsl is not None and self.usl is not None and self.lsl > self.usl:
            raise PydanticCustomError("limits", "lsl must not be above usl")
        return self


class EquipmentCsvIn(_In):
    code: Code
    name: Name
    work_center: Code
    kind: str = ""


class EquipmentIn(EquipmentCsvIn):
    # None: the items the hub has (see the module's docstring).
    daily_check: list[CheckItemIn] | None = None

    @model_validator(mode="after")
    def _items_once(self) -> EquipmentIn:
        codes = [item.code for item in self.daily_check or ()]
        if len(codes) != len(set(codes)):
            raise PydanticCustomError("daily_check", "daily_check item codes must differ")
        return self


class MaintenancePlanIn(_In):
    code: Code
    equipment: Code
    title_zh: Name
    title_en: Name
    every_days: Positive | None = None
    every_run_hours: Annotated[float, Field(gt=0)] | None = None
    every_units: Positive | None = None
    # Until its first close the plan counts from here; by default from when the hub first
    # had it, so a machine with a long history does not find a new plan due at once.
    counts_from: date | None = None

    @model_validator(mode="after")
    def _one_interval(self) -> MaintenancePlanIn:
        given = [self.every_days, self.every_run_hours, self.every_units]
        if sum(value is not None for value in given) != 1:
            raise PydanticCustomError(
                "interval", "give exactly one of every_days, every_run_hours, every_units"
            )
        return self


class NcProgramIn(_In):
    code: Code
    version: Positive
    file_name: Name
    body: str | None = None
    file: Name | None = None  # read into body by _read_programs

    @model_validator(mode="after")
    def _body_or_file(self) -> NcProgramIn:
        if (self.body is None) == (self.file is None):
            raise PydanticCustomError("nc_text", "give exactly one of body and file")
        return self


class CharacteristicIn(_In):
    code: Code
    name_zh: Name
    name_en: Name
    kind: Annotated[str, _Stripped, _one_of(("variable", "attribute"))] = "attribute"
    nominal: float | None = None
    lsl: float | None = None
    usl: float | None = None
    unit: str = ""
    decimals: Annotated[int, Field(ge=0, le=6)] = 2
    gauge: str = ""
    defects: list[Code] = Field(default_factory=list)  # checked against the hub by _plan

    @model_validator(mode="after")
    def _fits_its_kind(self) -> CharacteristicIn:
        if self.kind == "attribute":
            if (self.lsl, self.usl, self.nominal) != (None, None, None):
                raise PydanticCustomError(
                    "limits", "an attribute characteristic has no lsl, usl or nominal"
                )
            return self
        if self.defects:
            raise PydanticCustomError("defects", "a variable characteristic has no defects")
        if self.lsl is None and self.usl is None:
            raise PydanticCustomError("limits", "a variable characteristic needs lsl or usl")
        if self.lsl is not None and self.usl is not None and self.lsl >= self.usl:
            raise PydanticCustomError("limits", "lsl must be below usl")
        if self.nominal is not None and not (
            (self.lsl is None or self.lsl <= self.nominal)
            and (self.usl is None or self.nominal <= self.usl)
        ):
            raise PydanticCustomError("limits", "nominal must be within lsl and usl")
        return self


class InspectionPlanIn(_In):
    code: Code
    item_code: Code
    operation_seq: Positive | None = None
    kind: Annotated[str, _Stripped, _one_of(("first_article", "patrol", "final"))]
    characteristics: Annotated[list[CharacteristicIn], Field(min_length=1)]
    sample_size: Positive = 1
    every_units: Positive | None = None
    every_minutes: Positive | None = None
    aql: Aql | None = None
    level: Annotated[
        str, StringConstraints(strip_whitespace=True, to_upper=True), _one_of(LEVELS)
    ] = "II"
    # The responsible authority approved reduced inspection (ISO 2859-1, 9.3.3).
    reduced_allowed: bool = False

    @model_validator(mode="after")
    def _fits_its_kind(self) -> InspectionPlanIn:
        codes = [characteristic.code for characteristic in self.characteristics]
        if len(codes) != len(set(codes)):
            raise PydanticCustomError("characteristics", "characteristic codes must differ")
        intervals = [self.every_units, self.every_minutes]
        given = sum(value is not None for value in intervals)
        if self.kind != "final" and (self.aql is not None or "level" in self.model_fields_set):
            raise PydanticCustomError("aql", "only a final plan has an aql and a level")
        if self.kind != "final" and "reduced_allowed" in self.model_fields_set:
            raise PydanticCustomError("reduced_allowed", "only a final plan has reduced_allowed")
        if self.kind == "patrol" and given != 1:
            raise PydanticCustomError(
                "interval", "a patrol plan needs exactly one of every_units, every_minutes"
            )
        if self.kind != "patrol" and given:
            raise PydanticCustomError(
                "interval", "only a patrol plan has every_units or every_minutes"
            )
        if self.kind == "final" and self.aql is None:
            raise PydanticCustomError("aql", "a final plan needs an aql")
        if self.kind == "final" and "sample_size" in self.model_fields_set:
            raise PydanticCustomError(
                "sample_size", "a final plan has no sample_size: its sampling decides it"
            )
        return self


class ReasonCodeIn(_In):
    kind: Annotated[str, _Stripped, _one_of(REASON_KINDS)]
    code: Code
    name_zh: Name
    name_en: Name


M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Row(Generic[M]):
    where: str  # "users.csv row 3" or "work_orders[2].operations[0]"
    value: M


@dataclass(frozen=True)
class ImportDocument:
    """Rows that passed validation, not yet checked against the hub."""

    work_centers: tuple[Row[WorkCenterIn], ...] = ()
    items: tuple[Row[ItemIn], ...] = ()
    users: tuple[Row[UserIn], ...] = ()
    work_orders: tuple[Row[WorkOrderIn], ...] = ()
    operations: tuple[Row[OperationIn], ...] = ()
    bom_lines: tuple[Row[BomLineIn], ...] = ()
    lots: tuple[Row[LotIn], ...] = ()
    sops: tuple[Row[SopIn], ...] = ()
    equipment: tuple[Row[EquipmentCsvIn], ...] = ()
    inspection_plans: tuple[Row[InspectionPlanIn], ...] = ()
    reason_codes: tuple[Row[ReasonCodeIn], ...] = ()
    maintenance_plans: tuple[Row[MaintenancePlanIn], ...] = ()
    nc_programs: tuple[Row[NcProgramIn], ...] = ()
    # Work orders whose routing, and (work order, seq) whose BOM, the import replaces.
    routings_given: frozenset[str] = field(default_factory=frozenset)
    boms_given: frozenset[tuple[str, int]] = field(default_factory=frozenset)

    @property
    def total_rows(self) -> int:
        sections: tuple[tuple[Row[Any], ...], ...] = (
            self.work_centers,
            self.items,
            self.users,
            self.work_orders,
            self.operations,
            self.bom_lines,
            self.lots,
            self.sops,
            self.equipment,
            self.inspection_plans,
            self.reason_codes,
            self.maintenance_plans,
            self.nc_programs,
        )
        return sum(len(rows) for rows in sections)


@dataclass(frozen=True)
class ImportSummary:
    rows: int
    changed: int  # records that changed, i.e. what stations will receive
    by_entity: dict[str, int]  # changed records per entity; entities without changes left out


# --- reading files ------------------------------------------------------------------------

_JSON_SECTIONS: dict[str, type[BaseModel]] = {
    "work_centers": WorkCenterIn,
    "items": ItemIn,
    "users": UserIn,
    "work_orders": _WorkOrderJson,
    "lots": LotIn,
    "sops": SopIn,
    "equipment": EquipmentIn,
    "inspection_plans": InspectionPlanIn,
    "reason_codes": ReasonCodeIn,
    "maintenance_plans": MaintenancePlanIn,
    "nc_programs": NcProgramIn,
}

# CSV entity -> (ImportDocument field, row model)
_CSV_ENTITIES: dict[str, tuple[str, type[BaseModel]]] = {
    "work_centers": ("work_centers", WorkCenterIn),
    "items": ("items", ItemIn),
    "users": ("users", UserIn),
    "work_orders": ("work_orders", WorkOrderIn),
    "operations": ("operations", OperationIn),
    "bom": ("bom_lines", BomLineIn),
    "lots": ("lots", LotIn),
    "sops": ("sops", SopIn),
    "equipment": ("equipment", EquipmentCsvIn),
    "reason_codes": ("reason_codes", ReasonCodeIn),
    "maintenance_plans": ("maintenance_plans", MaintenancePlanIn),
    "nc_programs": ("nc_programs", NcProgramIn),
}


def parse_import_file(path: Path, entity: str | None = None) -> ImportDocument:
    """Read and validate a .json or .csv file; `entity` (CSV only) overrides the file stem."""
    kind = path.suffix.lower()
    if kind not in (".json", ".csv"):
        raise ImportProblems([f"{path.name}: not a .json or .csv file"])
    if kind == ".json" and entity is not None:
        raise ImportProblems([f"{path.name}: a JSON file names its own sections, not {entity!r}"])
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportProblems([f"{path.name}: cannot be read ({exc.strerror})"]) from None
    if kind == ".csv":
        return _parse_csv(path.name, data, entity or path.stem, path.parent)
    try:
        document = json.loads(data)
    except ValueError as exc:  # bad JSON or bad UTF-8
        raise ImportProblems([f"{path.name}: not valid JSON ({exc})"]) from None
    return parse_import_json(document, source=path.name, folder=path.parent)


def parse_import_json(
    document: Any, source: str = "request", folder: Path | None = None
) -> ImportDocument:
    """Validate an already decoded JSON document; `source` names it in document-level problems,
    `folder` is where its programs' files are (None: they must come as "body")."""
    if not isinstance(document, dict):
        raise ImportProblems([f"{source}: must be an object of sections (got {_shown(document)})"])
    problems: list[str] = []
    sections: dict[str, list[Row[Any]]] = {}
    for name, rows in document.items():
        model = _JSON_SECTIONS.get(name)
        if model is None:
            known = ", ".join(_JSON_SECTIONS)
            problems.append(f"{source}: unknown section {name!r} (known: {known})")
        elif not isinstance(rows, list):
            problems.append(f"{name}: must be a list (got {_shown(rows)})")
        else:
            labelled = ((f"{name}[{index}]", row) for index, row in enumerate(rows))
            sections[name] = _validate_rows(model, labelled, problems)
    fields: dict[str, Any] = {name: tuple(rows) for name, rows in sections.items()}
    fields |= _flatten(fields.pop("work_orders", ()))
    return _document(fields, problems, folder)


def _flatten(orders: Iterable[Row[_WorkOrderJson]]) -> dict[str, Any]:
    """Nested JSON work orders as the flat rows a CSV import gives, plus what they replace."""
    work_orders: list[Row[WorkOrderIn]] = []
    operations: list[Row[OperationIn]] = []
    bom_lines: list[Row[BomLineIn]] = []
    routings: set[str] = set()
    boms: set[tuple[str, int]] = set()
    for row in orders:
        order = row.value
        header = WorkOrderIn.model_construct(**order.model_dump(exclude={"operations"}))
        work_orders.append(Row(row.where, header))
        if order.operations is None:
            continue
        routings.add(order.number)
        for index, op in enumerate(order.operations):
            where = f"{row.where}.operations[{index}]"
            fields = op.model_dump(exclude={"bom"})
            operations.append(
                Row(where, OperationIn.model_construct(work_order=order.number, **fields))
            )
            if op.bom is None:
                continue
            boms.add((order.number, op.seq))
            bom_lines += [
                Row(
                    f"{where}.bom[{line_index}]",
                    BomLineIn.model_construct(
                        work_order=order.number, op_seq=op.seq, **line.model_dump()
                    ),
                )
                for line_index, line in enumerate(op.bom)
            ]
    return {
        "work_orders": tuple(work_orders),
        "operations": tuple(operations),
        "bom_lines": tuple(bom_lines),
        "routings_given": frozenset(routings),
        "boms_given": frozenset(boms),
    }


def _parse_csv(name: str, data: bytes, entity: str, folder: Path) -> ImportDocument:
    spec = _CSV_ENTITIES.get(entity)
    if spec is None:
        known = ", ".join(_CSV_ENTITIES)
        raise ImportProblems([f"{name}: unknown entity {entity!r} (known: {known})"])
    section, model = spec
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportProblems(
            [f'{name}: not UTF-8 text (byte {exc.start}); save it as "CSV UTF-8"']
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        records = list(reader)
    except csv.Error as exc:
        raise ImportProblems([f"{name} line {reader.line_num}: {exc}"]) from None
    if not records or not any(cell.strip() for cell in records[0]):
        raise ImportProblems([f"{name} row 1: no header row"])
    columns = [cell.strip() for cell in records[0]]
    problems = _header_problems(name, columns, model)
    if problems:
        raise ImportProblems(problems)
    labelled: list[tuple[str, dict[str, str]]] = []
    for number, cells in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue  # spreadsheets leave empty rows behind
        where = f"{name} row {number}"
        if len(cells) != len(columns):
            problems.append(f"{where}: {len(cells)} cells, the header has {len(columns)}")
            continue
        values = {column: cell for column, cell in zip(columns, cells, strict=True) if cell.strip()}
        labelled.append((where, values))
    rows = tuple(_validate_rows(model, labelled, problems))
    valid = [row.value for row in rows]
    return _document(
        {
            section: rows,
            "routings_given": frozenset(v.work_order for v in valid if isinstance(v, OperationIn)),
            "boms_given": frozenset(
                (v.work_order, v.op_seq) for v in valid if isinstance(v, BomLineIn)
            ),
        },
        problems,
        folder,
    )


def _header_problems(name: str, columns: list[str], model: type[BaseModel]) -> list[str]:
    known = list(model.model_fields)
    twice = sorted({column for column in columns if columns.count(column) > 1})
    problems = [f"{name} row 1: column {column!r} appears twice" for column in twice]
    problems += [
        f"{name} row 1: unknown column {column!r} (known: {', '.join(known)})"
        for column in columns
        if column not in known
    ]
    problems += [
        f"{name} row 1: missing column {column!r}"
        for column, info in model.model_fields.items()
        if info.is_required() and column not in columns
    ]
    return problems


def _validate_rows(
    model: type[M], rows: Iterable[tuple[str, object]], problems: list[str]
) -> list[Row[M]]:
    valid: list[Row[M]] = []
    for where, value in rows:
        try:
            valid.append(Row(where, model.model_validate(value)))
        except ValidationError as exc:
            problems += [_describe(where, error) for error in exc.errors()]
    return valid


def _document(fields: dict[str, Any], problems: list[str], folder: Path | None) -> ImportDocument:
    programs = fields.get("nc_programs", ())
    fields["nc_programs"] = tuple(_read_programs(programs, folder, problems))
    document = ImportDocument(**fields)
    problems += _duplicates(document)
    problems += _routing_problems(document.operations)
    if problems:
        raise ImportProblems(problems)
    return document


def _read_programs(
    rows: Iterable[Row[NcProgramIn]], folder: Path | None, problems: list[str]
) -> Iterator[Row[NcProgramIn]]:
    """The programs with their text in `body`, read from their files where they name one."""
    for row in rows:
        program = row.value
        body = program.body
        if program.file is not None:
            try:
                body = read_program(folder, program.file)
            except ProgramFileProblem as exc:
                problems.append(f"{row.where}: key 'file': {exc}")
                continue
        if body is None or len(body.encode()) > MAX_PROGRAM_BYTES:
            problems.append(f"{row.where}: key 'body': larger than {MAX_PROGRAM_BYTES} bytes")
            continue
        yield Row(row.where, program.model_copy(update={"body": body, "file": None}))


def _duplicates(doc: ImportDocument) -> list[str]:
    return [
        *_repeats(doc.work_centers, lambda v: v.code, lambda v: f"work center '{v.code}'"),
        *_repeats(doc.items, lambda v: v.code, lambda v: f"item '{v.code}'"),
        *_repeats(doc.users, lambda v: v.employee_no, lambda v: f"employee '{v.employee_no}'"),
        *_repeats(doc.users, lambda v: badge_hash(v.badge), lambda v: "key 'badge': badge"),
        *_repeats(doc.work_orders, lambda v: v.number, lambda v: f"work order '{v.number}'"),
        *_repeats(
            doc.operations,
            lambda v: (v.work_order, v.seq),
            lambda v: f"operation {v.seq} of work order '{v.work_order}'",
        ),
        *_repeats(
            doc.bom_lines,
            lambda v: (v.work_order, v.op_seq, v.item_code),
            lambda v: (
                f"item '{v.item_code}' of operation {v.op_seq} of work order '{v.work_order}'"
            ),
        ),
        *_repeats(doc.lots, lambda v: v.lot_no, lambda v: f"lot '{v.lot_no}'"),
        *_repeats(
            doc.sops,
            lambda v: (v.code, v.version, v.language),
            lambda v: f"SOP '{v.code}' version {v.version} ({v.language})",
        ),
        *_repeats(doc.equipment, lambda v: v.code, lambda v: f"equipment '{v.code}'"),
        *_repeats(doc.inspection_plans, lambda v: v.code, lambda v: f"inspection plan '{v.code}'"),
        *_repeats(
            doc.reason_codes,
            lambda v: (v.kind, v.code),
            lambda v: f"{v.kind} reason '{v.code}'",
        ),
        *_repeats(
            doc.maintenance_plans, lambda v: v.code, lambda v: f"maintenance plan '{v.code}'"
        ),
        *_repeats(
            doc.nc_programs,
            lambda v: (v.code, v.version),
            lambda v: f"program '{v.code}' version {v.version}",
        ),
    ]


def _routing_problems(operations: Sequence[Row[OperationIn]]) -> list[str]:
    """Operations that need a previous one for a serial where no earlier one binds serials.

    Whole routings only: every work order with an operation here has its routing replaced.
    """
    problems = []
    for number, rows in _group(operations, lambda v: v.work_order).items():
        binding = [row.value.seq for row in rows if row.value.binds_serials]
        problems += [
            f"{row.where}: key 'needs_previous_op': no operation before {row.value.seq} "
            f"of work order '{number}' binds serials"
            for row in rows
            if row.value.needs_previous_op and not any(seq < row.value.seq for seq in binding)
        ]
    return problems


def _repeats(
    rows: Sequence[Row[M]], key: Callable[[M], object], what: Callable[[M], str]
) -> Iterator[str]:
    first: dict[object, str] = {}
    for row in rows:
        where = first.setdefault(key(row.value), row.where)
        if where != row.where:
            yield f"{row.where}: {what(row.value)} already given in {where}"


_MESSAGES = {
    "string_type": "must be text",
    "string_too_short": "must not be empty",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "finite_number": "must be a finite number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "list_type": "must be a list",
    "dict_type": "must be an object",
    "model_type": "must be an object",
    "too_short": "must not be empty",  # a list that needs an item
}
# Credentials are not echoed: problem messages end up in logs and HTTP responses.
_SECRET_KEYS = {"badge", "pin"}


def _describe(where: str, error: ErrorDetails) -> str:
    place, key = _locate(where, error["loc"])
    kind = error["type"]
    if kind == "extra_forbidden":
        return f"{place}: unknown key '{key}'"
    if kind == "missing":
        return f"{place}: key '{key}': missing"
    limits = error.get("ctx", {})
    if kind == "greater_than":
        text = f"must be more than {limits['gt']:g}"
    elif kind == "greater_than_equal":
        text = f"must be at least {limits['ge']:g}"
    elif kind == "less_than_equal":
        text = f"must be at most {limits['le']:g}"
    elif kind == "string_too_long":
        text = f"must be at most {limits['max_length']} characters"
    else:
        text = _MESSAGES.get(kind, error["msg"])
    # An object's input is the row (or the part of it) the place already names, cut short.
    if key not in _SECRET_KEYS and not isinstance(error["input"], dict):
        text += f" (got {_shown(error['input'])})"
    return f"{place}: key '{key}': {text}" if key else f"{place}: {text}"


def _locate(where: str, loc: tuple[int | str, ...]) -> tuple[str, str]:
    """The row and key of a pydantic error location: under "work_orders[2]", ("operations",
    0, "seq") is key 'seq' of "work_orders[2].operations[0]"."""
    names = [index for index, part in enumerate(loc) if isinstance(part, str)]
    if not names:
        return where + _path(loc), ""
    last = names[-1]
    return where + _path(loc[:last]), f"{loc[last]}{_path(loc[last + 1 :])}"


def _path(parts: Sequence[int | str]) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in parts)


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# --- applying to the hub ------------------------------------------------------------------

_Unit = tuple[list[Record], int]  # the records some rows give, and how many rows those are
_Pins = dict[str, str]  # employee_no -> pin_hash


def apply_import(
    engine: Engine,
    document: ImportDocument,
    now: datetime,
    progress: Callable[[int, int], None] | None = None,
) -> ImportSummary:
    """Check `document` against the hub and write it in one transaction: all or nothing.

    References (items, work centers, parent work orders and operations) must be in the
    import or on the hub; ImportProblems lists every row that fails. `progress(done, total)`
    counts rows, a row being done once its records are written; it ends at (total, total).
    """
    tracker = _Progress(document.total_rows, progress)
    pins = _hash_pins(engine, document.users, tracker)
    with write(engine) as conn:
        units = _plan(conn, document, pins, now)
        writer = _Writer(conn, now, tracker)
        for records, rows in units:
            writer.add(records, rows)
        writer.flush()
    changed = {entity: writer.changed[entity] for entity in ENTITY_ORDER if writer.changed[entity]}
    return ImportSummary(document.total_rows, sum(changed.values()), changed)


class _Progress:
    """Calls back with (rows done, total rows): every _REPORT_EVERY rows, or when told to."""

    def __init__(self, total: int, callback: Callable[[int, int], None] | None) -> None:
        self.total = total
        self.done = 0
        self._callback = callback
        self._reported: int | None = None

    def advance(self, rows: int, report: bool = False) -> None:
        self.done += rows
        if report or self.done - (self._reported or 0) >= _REPORT_EVERY:
            self._report()

    def _report(self) -> None:
        if self._callback is not None and self._reported != self.done:
            self._callback(self.done, self.total)
            self._reported = self.done


class _Writer:
    """Writes records in chunks inside the open transaction; rows are done once written."""

    def __init__(self, conn: Connection, now: datetime, tracker: _Progress) -> None:
        self._conn = conn
        self._now = now
        self._tracker = tracker
        self._records: list[Record] = []
        self._rows = 0
        self.changed: Counter[str] = Counter()

    def add(self, records: list[Record], rows: int) -> None:
        self._records += records
        self._rows += rows
        if len(self._records) >= _CHUNK:
            self.flush()

    def flush(self) -> None:
        # One call per entity, so the summary can say what changed.
        by_entity: dict[str, list[Record]] = defaultdict(list)
        for item in self._records:
            by_entity[item.entity].append(item)
        for entity, records in by_entity.items():
            self.changed[entity] += write_records(self._conn, records, self._now)
        self._tracker.advance(self._rows, report=True)
        self._records, self._rows = [], 0


def _hash_pins(engine: Engine, users: Sequence[Row[UserIn]], tracker: _Progress) -> _Pins:
    """The pin_hash for each user's PIN: the stored one while the PIN still matches it (PIN
    hashes are salted, so a fresh one would be a change on every import), else a new one.

    Done before the write lock is taken, as scrypt is slow on purpose and stations must not
    wait for it; either hash verifies the PIN, whatever commits meanwhile. The users' rows
    count as done here.
    """
    with engine.connect() as conn:
        keys = {row.value.employee_no for row in users if row.value.pin is not None}
        stored = _stored(conn, "user", keys)
    pins: _Pins = {}
    for row in users:
        user = row.value
        if user.pin is not None:
            old = stored[user.employee_no].data["pin_hash"] if user.employee_no in stored else None
            pins[user.employee_no] = _pin_to_store(user.pin, old)
        tracker.advance(1, report=user.pin is not None)
    return pins


def _pin_to_store(pin: str, old: str | None) -> str:
    return old if old is not None and pin_matches(pin, old) else pin_hash(pin)


def _plan(conn: Connection, doc: ImportDocument, pins: _Pins, now: datetime) -> list[_Unit]:
    """The records to write, parents first; raises ImportProblems for unresolved references."""
    work_centers = _known(
        conn,
        "work_center",
        {row.value.code for row in doc.work_centers},
        {row.value.work_center for row in doc.operations}
        | {row.value.work_center for row in doc.equipment},
    )
    items = _known(
        conn,
        "item",
        {row.value.code for row in doc.items},
        {row.value.item_code for row in doc.work_orders}
        | {row.value.item_code for row in doc.bom_lines}
        | {row.value.item_code for row in doc.lots}
        | {row.value.item_code for row in doc.inspection_plans},
    )
    problems = [
        *_unknown_refs(doc.work_orders, "item_code", items, "item"),
        *_unknown_refs(doc.operations, "work_center", work_centers, "work center"),
        *_unknown_refs(doc.bom_lines, "item_code", items, "item"),
        *_unknown_refs(doc.lots, "item_code", items, "item"),
        *_unknown_refs(doc.equipment, "work_center", work_centers, "work center"),
        *_unknown_refs(doc.inspection_plans, "item_code", items, "item"),
        *_unknown_defects(conn, doc),
    ]
    units = [
        _one("work_center", v.code, (v.code,), WorkCenterRecord(**v.model_dump()))
        for v in _values(doc.work_centers)
    ]
    units += [_one("item", v.code, (), ItemRecord(**v.model_dump())) for v in _values(doc.items)]
    units += _user_units(conn, doc.users, pins, problems)
    units += _WorkOrderTrees(conn, doc, problems).units()
    units += [
        _one("lot", v.lot_no, (), LotRecord(id=_id(f"lot:{v.lot_no}"), **v.model_dump()))
        for v in _values(doc.lots)
    ]
    units += [
        _one("sop", _sop_key(v), (), SopRecord(id=_id(f"sop:{_sop_key(v)}"), **v.model_dump()))
        for v in _values(doc.sops)
    ]
    units += _Machines(conn, doc, problems, now).units()
    units += _program_units(conn, doc, problems)
    units += [
        _one(
            "inspection_plan",
            v.code,
            (),
            InspectionPlanRecord(id=_id(f"ip:{v.code}"), **v.model_dump()),
        )
        for v in _values(doc.inspection_plans)
    ]
    units += [
        _one("reason_code", f"{v.kind}:{v.code}", (), ReasonCodeRecord(**v.model_dump()))
        for v in _values(doc.reason_codes)
    ]
    if problems:
        raise ImportProblems(problems)
    return units


class _Machines:
    """Equipment, and the maintenance plans that go where their equipment is."""

    def __init__(
        self, conn: Connection, doc: ImportDocument, problems: list[str], now: datetime
    ) -> None:
        self._doc = doc
        self._problems = problems
        self._now = now
        imported = {v.code for v in _values(doc.equipment)}
        referenced = {v.equipment for v in _values(doc.maintenance_plans)}
        self._stored = _stored(conn, "equipment", (imported | referenced))
        self._centers = {code: s.data["work_center"] for code, s in self._stored.items()}
        self._centers |= {v.code: v.work_center for v in _values(doc.equipment)}
        # A plan follows its equipment to another work center: the plans of imported
        # equipment that the import leaves as they are (plans are few: read them all).
        planned = {v.code for v in _values(doc.maintenance_plans)}
        self._stored_plans = _stored(conn, "maintenance_plan", planned)
        self._other_plans = (
            {
                code: plan
                for code, plan in _fetch(conn, "maintenance_plan", true()).items()
                if code not in planned and plan.data["equipment"] in imported
            }
            if imported
            else {}
        )

    def units(self) -> list[_Unit]:
        units = [self._equipment(v) for v in _values(self._doc.equipment)]
        self._problems += _unknown_refs(
            self._doc.maintenance_plans, "equipment", set(self._centers), "equipment"
        )
        units += [
            _one(
                "maintenance_plan",
                v.code,
                (self._centers[v.equipment],),
                self._plan_record(v),
            )
            for v in _values(self._doc.maintenance_plans)
            if v.equipment in self._centers
        ]
        units += [
            (
                [
                    Record(
                        "maintenance_plan",
                        code,
                        (self._centers[plan.data["equipment"]],),
                        plan.data,
                    )
                ],
                0,
            )
            for code, plan in self._other_plans.items()
        ]
        return units

    def _plan_record(self, v: MaintenancePlanIn) -> MaintenancePlanRecord:
        """The plan with where it counts from: the import's date, else what the hub already
        had (a re-import must not restart the count), else now."""
        counts_from: datetime | None = self._now
        if v.counts_from is not None:
            counts_from = datetime.combine(v.counts_from, time(), UTC)
        elif v.code in self._stored_plans:
            kept = self._stored_plans[v.code].data.get("counts_from")
            counts_from = datetime.fromisoformat(kept) if kept else self._now
        return MaintenancePlanRecord(**(v.model_dump() | {"counts_from": counts_from}))

    def _equipment(self, v: EquipmentCsvIn) -> _Unit:
        items = getattr(v, "daily_check", None)
        if items is None:
            stored = self._stored.get(v.code)
            kept = stored.data.get("daily_check", []) if stored is not None else []
        else:
            kept = [item.model_dump() for item in items]
        fields = v.model_dump(include={"code", "name", "work_center", "kind"})
        return _one(
            "equipment", v.code, (v.work_center,), EquipmentRecord(**fields, daily_check=kept)
        )


def _program_units(conn: Connection, doc: ImportDocument, problems: list[str]) -> list[_Unit]:
    """The programs (every station's), refusing a version changed after it was imported,
    and the check that operations name programs and versions that exist."""
    records = {
        (v.code, v.version): NcProgramRecord(
            code=v.code,
            version=v.version,
            file_name=v.file_name,
            checksum=checksum(v.body or ""),
            body=v.body or "",
        )
        for v in _values(doc.nc_programs)
    }
    stored = _stored(conn, "nc_program", {f"{code}:{version}" for code, version in records})
    for row in doc.nc_programs:
        v = row.value
        old = stored.get(f"{v.code}:{v.version}")
        if old is not None and old.data != records[(v.code, v.version)].model_dump(mode="json"):
            problems.append(
                f"{row.where}: program '{v.code}' version {v.version} is on the hub with other "
                "content; a changed program needs a new version"
            )
    named = {v.nc_program for v in _values(doc.operations) if v.nc_program is not None}
    versions = set(records) | _program_versions(conn, named)
    codes = {code for code, _ in versions}
    for op_row in doc.operations:
        op = op_row.value
        if op.nc_program is None:
            continue
        if op.nc_program not in codes:
            problems.append(_unknown(op_row.where, "nc_program", "program", op.nc_program))
        elif op.nc_version is not None and (op.nc_program, op.nc_version) not in versions:
            problems.append(
                f"{op_row.where}: key 'nc_version': program '{op.nc_program}' has no "
                f"version {op.nc_version}"
            )
    return [
        _one("nc_program", f"{code}:{version}", (), data)
        for (code, version), data in records.items()
    ]


def _user_units(
    conn: Connection, users: Sequence[Row[UserIn]], pins: _Pins, problems: list[str]
) -> list[_Unit]:
    if not users:
        return []
    stored = _fetch(conn, "user", true())
    imported = {row.value.employee_no for row in users}
    # Badges of users the import leaves alone; stations look users up by badge.
    taken = {s.data["badge_hash"]: no for no, s in stored.items() if no not in imported}
    units: list[_Unit] = []
    for row in users:
        user = row.value
        badge = badge_hash(user.badge)
        if badge in taken:
            problems.append(
                f"{row.where}: key 'badge': already the badge of employee '{taken[badge]}'"
            )
        data = UserRecord(
            id=_id(f"user:{user.employee_no}"),
            badge_hash=badge,
            pin_hash=pins.get(user.employee_no),
            **user.model_dump(exclude={"badge", "pin"}),
        )
        # The rows were counted while their PINs were hashed.
        units.append(([Record("user", user.employee_no, (), data.model_dump(mode="json"))], 0))
    return units


class _WorkOrderTrees:
    """Each work order the import touches, with its whole routing and BOM as they end up.

    A work order's scope is the work centers of all its operations and a BOM line's is its
    operation's, so each tree is rebuilt from the import and the hub's records together;
    write_records skips whatever comes out unchanged.
    """

    def __init__(self, conn: Connection, doc: ImportDocument, problems: list[str]) -> None:
        self._doc = doc
        self._problems = problems
        self._headers = {row.value.number: row for row in doc.work_orders}
        self._op_rows = _group(doc.operations, lambda v: v.work_order)
        self._line_rows = _group(doc.bom_lines, lambda v: v.work_order)
        self._numbers = list(dict.fromkeys([*self._headers, *self._op_rows, *self._line_rows]))
        self._stored_headers = _stored(conn, "work_order", set(self._numbers) - set(self._headers))
        self._stored_ops: dict[str, dict[int, _Stored]] = defaultdict(dict)
        for key, stored in _stored_under(conn, "operation", self._numbers).items():
            number, seq = key.split(":")
            self._stored_ops[number][int(seq)] = stored
        self._stored_lines: dict[str, dict[tuple[int, str], _Stored]] = defaultdict(dict)
        for key, stored in _stored_under(conn, "bom_line", self._numbers).items():
            number, seq, item = key.split(":", 2)
            self._stored_lines[number][(int(seq), item)] = stored

    def units(self) -> list[_Unit]:
        units: list[_Unit] = []
        for number in self._numbers:
            header_row = self._headers.get(number)
            children = [*self._op_rows.get(number, ()), *self._line_rows.get(number, ())]
            if header_row is not None:
                order = header_row.value
                data = WorkOrderRecord(id=_id(f"wo:{number}"), **order.model_dump())
                header = data.model_dump(mode="json")
            elif number in self._stored_headers:
                header = self._stored_headers[number].data
            else:
                self._problems += [
                    _unknown(row.where, "work_order", "work order", number) for row in children
                ]
                continue
            rows = len(children) + (0 if header_row is None else 1)
            units.append((self._tree(number, header), rows))
        return units

    def _tree(self, number: str, header: dict[str, Any]) -> list[Record]:
        old_ops = self._stored_ops[number]
        old_lines = self._stored_lines[number]
        if number in self._doc.routings_given:
            rows = self._op_rows.get(number, ())
            ops = {row.value.seq: _operation(row.value, header) for row in rows}
        else:
            ops = {seq: stored.data for seq, stored in old_ops.items()}
        lines = {
            (seq, item): stored.data
            for (seq, item), stored in old_lines.items()
            if seq in ops and (number, seq) not in self._doc.boms_given
        }
        for row in self._line_rows.get(number, ()):
            line = row.value
            if line.op_seq not in ops:
                missing = f"work order '{number}' has no operation {line.op_seq}"
                self._problems.append(f"{row.where}: key 'op_seq': {missing}")
                continue
            data = BomLineRecord(
                id=_id(f"bom:{number}:{line.op_seq}:{line.item_code}"),
                operation_id=ops[line.op_seq]["id"],
                item_code=line.item_code,
                qty_per_unit=line.qty_per_unit,
            )
            lines[(line.op_seq, line.item_code)] = data.model_dump(mode="json")
        work_centers = [op["work_center"] for op in ops.values()]
        records = [Record("work_order", number, tuple(work_centers), header)]
        records += [
            Record("operation", f"{number}:{seq}", (op["work_center"],), op)
            for seq, op in sorted(ops.items())
        ]
        records += [
            Record("bom_line", f"{number}:{seq}:{item}", (ops[seq]["work_center"],), data)
            for (seq, item), data in sorted(lines.items())
        ]
        # A deletion keeps the old scope: the stations that have the record must hear of it.
        records += [
            Record("operation", f"{number}:{seq}", stored.scope, None)
            for seq, stored in old_ops.items()
            if seq not in ops
        ]
        records += [
            Record("bom_line", f"{number}:{seq}:{item}", stored.scope, None)
            for (seq, item), stored in old_lines.items()
            if (seq, item) not in lines
        ]
        return records


def _operation(op: OperationIn, header: dict[str, Any]) -> dict[str, Any]:
    data = OperationRecord(
        id=_id(f"op:{op.work_order}:{op.seq}"),
        work_order_id=header["id"],
        seq=op.seq,
        name=op.name,
        work_center=op.work_center,
        qty_planned=op.qty_planned if op.qty_planned is not None else header["qty_planned"],
        sop_code=op.sop_code,
        binds_serials=op.binds_serials,
        needs_previous_op=op.needs_previous_op,
        nc_program=op.nc_program,
        nc_version=op.nc_version,
    )
    return data.model_dump(mode="json")


def _id(key: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, key))


def _sop_key(sop: SopIn) -> str:
    return f"{sop.code}:{sop.version}:{sop.language}"


def _one(entity: str, key: str, scope: tuple[str, ...], data: BaseModel) -> _Unit:
    """The record one row gives."""
    return [Record(entity, key, scope, data.model_dump(mode="json"))], 1


def _values(rows: Iterable[Row[M]]) -> Iterator[M]:
    return (row.value for row in rows)


def _unknown_defects(conn: Connection, doc: ImportDocument) -> list[str]:
    """The defects plans name that are no "defect" reason imported now or on the hub."""
    named = [
        (f"{row.where}.characteristics[{number}]", index, code)
        for row in doc.inspection_plans
        for number, characteristic in enumerate(row.value.characteristics)
        for index, code in enumerate(characteristic.defects)
    ]
    known = _known(
        conn,
        "reason_code",
        {f"{v.kind}:{v.code}" for v in _values(doc.reason_codes)},
        {f"defect:{code}" for _, _, code in named},
    )
    return [
        _unknown(where, f"defects[{index}]", "defect reason", code)
        for where, index, code in named
        if f"defect:{code}" not in known
    ]


def _unknown(where: str, key: str, what: str, value: str) -> str:
    return f"{where}: key '{key}': unknown {what} '{value}'"


def _unknown_refs(rows: Iterable[Row[M]], key: str, known: set[str], what: str) -> list[str]:
    """Rows whose `key` names something neither imported nor on the hub."""
    return [
        _unknown(row.where, key, what, getattr(row.value, key))
        for row in rows
        if getattr(row.value, key) not in known
    ]


def _group(rows: Iterable[Row[M]], key: Callable[[M], str]) -> dict[str, list[Row[M]]]:
    groups: dict[str, list[Row[M]]] = defaultdict(list)
    for row in rows:
        groups[key(row.value)].append(row)
    return groups


@dataclass(frozen=True)
class _Stored:
    scope: tuple[str, ...]
    data: dict[str, Any]


def _known(conn: Connection, entity: str, imported: set[str], referenced: set[str]) -> set[str]:
    """The referenced keys that exist: imported now, or live on the hub."""
    return imported | set(_stored(conn, entity, referenced - imported))


def _stored(conn: Connection, entity: str, keys: Iterable[str]) -> dict[str, _Stored]:
    """The live (not deleted) records of `entity` with these keys."""
    wanted = sorted(set(keys))
    found: dict[str, _Stored] = {}
    for start in range(0, len(wanted), 500):
        found |= _fetch(conn, entity, record.c.key.in_(wanted[start : start + 500]))
    return found


def _stored_under(conn: Connection, entity: str, numbers: Iterable[str]) -> dict[str, _Stored]:
    """The live records of `entity` keyed "NUMBER:..." for these work order numbers."""
    found: dict[str, _Stored] = {}
    for condition in _keyed_under(numbers):
        found |= _fetch(conn, entity, condition)
    return found


def _keyed_under(heads: Iterable[str]) -> Iterator[ColumnElement[bool]]:
    """Conditions (500 heads each) for the keys "HEAD:..." of these heads."""
    # Compared by substring, not LIKE (case-blind on SQLite) nor a key range (which a
    # PostgreSQL locale collation does not order byte by byte).
    by_length: dict[int, list[str]] = defaultdict(list)
    for head in heads:
        by_length[len(head) + 1].append(f"{head}:")
    for length, prefixes in by_length.items():
        for start in range(0, len(prefixes), 500):
            yield func.substr(record.c.key, 1, length).in_(prefixes[start : start + 500])


def _program_versions(conn: Connection, codes: Iterable[str]) -> set[tuple[str, int]]:
    """(code, version) of the hub's live programs of these codes; keys only, not bodies."""
    found: set[tuple[str, int]] = set()
    for condition in _keyed_under(codes):
        keys = conn.execute(
            select(record.c.key).where(
                record.c.entity == "nc_program", record.c.data.is_not(None), condition
            )
        ).scalars()
        found |= {(code, int(version)) for code, version in (key.split(":") for key in keys)}
    return found


def _fetch(conn: Connection, entity: str, condition: ColumnElement[bool]) -> dict[str, _Stored]:
    rows = conn.execute(
        select(record.c.key, record.c.scope, record.c.data).where(
            record.c.entity == entity, record.c.data.is_not(None), condition
        )
    )
    return {
        row.key: _Stored(tuple(code for code in row.scope.split("|") if code), json.loads(row.data))
        for row in rows
    }
