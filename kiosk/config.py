"""Station configuration: `kiosk.toml`, validated once at start.

A problem becomes one `ConfigError` whose message names the file and the key, so the
command line can print it instead of a traceback. Validation uses msgspec: strict types (no
`true` for a count, no `"5"` for a number), unknown keys refused, and an import cost of a few
milliseconds on the way to the first screen (pydantic's is about 170 ms here).
"""

from __future__ import annotations

import re
import tomllib
from enum import StrEnum
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import msgspec
import msgspec.inspect
from msgspec import Meta, Struct

from kiosk.barcodes.formats import BarcodeSection, check_section
from kiosk.roles import Role


class Language(StrEnum):
    ZH_CN = "zh_CN"
    EN = "en"


class ConfigError(Exception):
    """A configuration file that cannot be used; the message is meant for a person."""


class _Section(Struct, forbid_unknown_fields=True, frozen=True, kw_only=True):
    pass


class StationSection(_Section, frozen=True):
    id: Annotated[str, Meta(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]
    name: Annotated[str, Meta(min_length=1)]
    work_centers: Annotated[list[str], Meta(min_length=1)]
    language: Language = Language.ZH_CN
    idle_logout_seconds: Annotated[int, Meta(ge=10, le=86_400)] = 300


class DatabaseSection(_Section, frozen=True):
    path: Path


class HubSection(_Section, frozen=True):
    url: str = ""
    token: str = ""
    timeout_seconds: Annotated[float, Meta(gt=0, le=60)] = 3.0
    # PEM file of the CA that signed the hub's certificate; empty uses the system's store.
    ca_file: str = ""
    sync_seconds: Annotated[float, Meta(ge=1, le=3600)] = 10.0
    batch_size: Annotated[int, Meta(ge=1, le=1000)] = 500


class SecuritySection(_Section, frozen=True):
    pin_required_roles: list[Role] = msgspec.field(
        default_factory=lambda: [Role.TEAM_LEAD, Role.ADMIN]
    )
    max_failed_attempts: Annotated[int, Meta(ge=1, le=100)] = 5
    lockout_seconds: Annotated[int, Meta(ge=1, le=86_400)] = 300


class InputDevice(_Section, frozen=True):
    """A scanner or badge reader: the keyboard wedge by default, or a serial port."""

    kind: Literal["keyboard", "serial", "simulated", "none"] = "keyboard"
    port: str = ""
    baud: Annotated[int, Meta(gt=0)] = 9600
    # How a serial read ends: a suffix, or "none" and a pause of gap_ms between characters.
    suffix: Literal["cr", "lf", "crlf", "none"] = "cr"
    gap_ms: Annotated[int, Meta(ge=1, le=2000)] = 50
    # How a badge reader reports a card: see devices/badge_format.py.
    badge_format: Literal["auto", "hex", "decimal", "wiegand26", "text"] = "auto"
    # Keyboard wedge: a burst this fast (ms between keys), this long, ended by Enter is a scan.
    wedge_gap_ms: Annotated[int, Meta(ge=1, le=500)] = 30
    wedge_min_length: Annotated[int, Meta(ge=1, le=100)] = 4


class PrinterDevice(_Section, frozen=True):
    kind: Literal["none", "folder", "zpl_tcp", "zpl_serial", "cups"] = "none"
    target: str = ""
    format: Literal["zpl", "pdf"] = "zpl"  # what a folder printer saves
    baud: Annotated[int, Meta(gt=0)] = 9600
    label_width_mm: Annotated[float, Meta(gt=0, le=300)] = 60.0
    label_height_mm: Annotated[float, Meta(gt=0, le=300)] = 40.0
    dpi: Literal[152, 203, 300, 600] = 203


class GaugeDevice(_Section, frozen=True):
    """A measuring gauge (caliper, micrometer, dial indicator) on a serial data cable."""

    kind: Literal["serial", "none"] = "none"
    port: str = ""
    baud: Annotated[int, Meta(gt=0)] = 9600
    # How a reading ends on the wire: a gauge always sends one of these.
    suffix: Literal["cr", "lf", "crlf"] = "cr"


class DevicesSection(_Section, frozen=True):
    scanner: InputDevice = msgspec.field(default_factory=InputDevice)
    badge_reader: InputDevice = msgspec.field(default_factory=InputDevice)
    printer: PrinterDevice = msgspec.field(default_factory=PrinterDevice)
    gauge: GaugeDevice = msgspec.field(default_factory=GaugeDevice)


class LabelsSection(_Section, frozen=True):
    """Labels printed when good units are reported, by the work center of the operation."""

    product_labels_at: list[str] = msgspec.field(default_factory=list)  # one per SN
    box_labels_at: list[str] = msgspec.field(default_factory=list)  # one per report


class AndonSection(_Section, frozen=True):
    """When an exception nobody has acknowledged escalates: minutes after it was raised,
    one entry per level, rising."""

    escalate_after_minutes: Annotated[
        list[Annotated[int, Meta(ge=1, le=1440)]], Meta(max_length=9)
    ] = msgspec.field(default_factory=lambda: [5, 15, 30])


class ShiftsSection(_Section, frozen=True):
    """Local times ("HH:MM") at which shifts begin; each lasts until the next one begins."""

    starts: Annotated[
        list[Annotated[str, Meta(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]], Meta(min_length=1)
    ] = msgspec.field(default_factory=lambda: ["08:00", "20:00"])


class NcMachine(_Section, frozen=True):
    """Where an equipment's machine programs go: a folder it reads, or its serial port (DNC,
    XON/XOFF flow control)."""

    equipment: Annotated[str, Meta(min_length=1)]
    kind: Literal["folder", "serial"]
    target: Annotated[str, Meta(min_length=1)]
    baud: Annotated[int, Meta(gt=0)] = 9600


class NcSection(_Section, frozen=True):
    machines: list[NcMachine] = msgspec.field(default_factory=list)


class StationConfig(_Section, frozen=True):
    station: StationSection
    database: DatabaseSection
    hub: HubSection = msgspec.field(default_factory=HubSection)
    security: SecuritySection = msgspec.field(default_factory=SecuritySection)
    devices: DevicesSection = msgspec.field(default_factory=DevicesSection)
    barcodes: BarcodeSection = msgspec.field(default_factory=BarcodeSection)
    labels: LabelsSection = msgspec.field(default_factory=LabelsSection)
    andon: AndonSection = msgspec.field(default_factory=AndonSection)
    shifts: ShiftsSection = msgspec.field(default_factory=ShiftsSection)
    nc: NcSection = msgspec.field(default_factory=NcSection)
    source: Path | None = None  # the file it was read from; not a key of kiosk.toml


def load_config(path: Path) -> StationConfig:
    """Read and validate `path`; relative paths inside it are taken from the file's folder."""
    try:
        # utf-8-sig: editors on Windows save a byte-order mark that TOML would refuse.
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: file not found. Copy the sample kiosk.toml next to it and edit it, "
            "or pass --config PATH."
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read ({exc}).") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}.") from None
    if "source" in raw:
        raise ConfigError(_one_problem(path, "unknown key 'source' (check its spelling)"))
    try:
        config = msgspec.convert(raw, StationConfig, dec_hook=_decode_path)
    except msgspec.ValidationError as exc:
        raise ConfigError(_one_problem(path, _describe(str(exc), raw))) from None
    hub_problem = _hub_problem(config.hub)
    if hub_problem:
        raise ConfigError(_one_problem(path, hub_problem)) from None
    barcode_problem = check_section(config.barcodes)
    if barcode_problem:
        raise ConfigError(_one_problem(path, f"[barcodes] {barcode_problem}")) from None
    labels_problem = _labels_problem(config) or _order_problem(config)
    if labels_problem:
        raise ConfigError(_one_problem(path, labels_problem)) from None
    return _beside(config, path)


def _labels_problem(config: StationConfig) -> str:
    served = config.station.work_centers
    for key in ("product_labels_at", "box_labels_at"):
        unknown = [wc for wc in getattr(config.labels, key) if wc not in served]
        if unknown:
            return (
                f"[labels] {key}: {', '.join(unknown)} is not one of this station's "
                f"work centers ({', '.join(served)})"
            )
    return ""


def _order_problem(config: StationConfig) -> str:
    """Escalation levels must rise; shifts and machines must not repeat."""
    minutes = config.andon.escalate_after_minutes
    if any(later <= earlier for earlier, later in pairwise(minutes)):
        return f"[andon] escalate_after_minutes: each level must come later (got {minutes})"
    starts = config.shifts.starts
    if len(set(starts)) != len(starts):
        return f"[shifts] starts: a time is listed twice (got {starts})"
    machines = [machine.equipment for machine in config.nc.machines]
    twice = sorted({code for code in machines if machines.count(code) > 1})
    if twice:
        return f"[[nc.machines]] equipment: {', '.join(twice)} is listed twice"
    return ""


def _hub_problem(hub: HubSection) -> str:
    url = hub.url
    if url:
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 (reading it checks the port)
        except ValueError as exc:
            return f"key 'hub.url': not a usable URL: {exc} (got {url!r})"
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return (
                "key 'hub.url': must be http:// or https:// and a host "
                f"(or empty for no hub) (got {url!r})"
            )
    if not hub.token.isascii() or any(c.isspace() for c in hub.token):
        return "key 'hub.token': must be the token exactly as the hub printed it (ASCII)"
    return ""


def _decode_path(type_: type, value: Any) -> Any:
    """msgspec asks only about the one type it does not know itself: Path, from a string."""
    if type_ is Path and isinstance(value, str):
        return Path(value)
    raise TypeError(f"Expected a path as text, got {value!r}")


def _beside(config: StationConfig, path: Path) -> StationConfig:
    """Relative paths in kiosk.toml are taken from the file's own folder, not the cwd."""
    replace = msgspec.structs.replace
    base = path.parent
    database = replace(config.database, path=base / config.database.path)
    printer = config.devices.printer
    if printer.kind == "folder" and printer.target:
        printer = replace(printer, target=str(base / printer.target))
    ports = {
        name: replace(device, port=str(base / device.port))
        for name, device in (
            ("scanner", config.devices.scanner),
            ("badge_reader", config.devices.badge_reader),
            ("gauge", config.devices.gauge),
        )
        if device.kind == "serial" and device.port
    }
    devices = replace(config.devices, printer=printer, **ports)
    machines = [
        replace(machine, target=str(base / machine.target)) for machine in config.nc.machines
    ]
    hub = replace(
        config.hub,
        url=config.hub.url.rstrip("/"),
        ca_file=str(base / config.hub.ca_file) if config.hub.ca_file else "",
    )
    nc = replace(config.nc, machines=machines)
    return replace(config, database=database, devices=devices, hub=hub, nc=nc, source=path)


_AT = re.compile(r"^(?P<what>.*?)(?: - at `\$(?P<where>[^`]*)`)?$", re.DOTALL)
_FIELD = re.compile(r"`(?P<name>[^`]+)`")


def _describe(error: str, raw: dict[str, Any]) -> str:
    """msgspec's 'Expected `int`, got `str` - at `$.station.x`' in the words of kiosk.toml."""
    match = _AT.match(error)
    assert match is not None  # the pattern matches any text
    what, where = match["what"], (match["where"] or "").lstrip(".")
    field = _FIELD.search(what)
    if what.startswith("Object contains unknown field") and field:
        key = ".".join(filter(None, (where, field["name"])))
        return f"unknown key '{key}' (check its spelling and section)"
    if what.startswith("Object missing required field") and field:
        return f"missing key '{'.'.join(filter(None, (where, field['name'])))}'"
    got = _lookup(raw, where)
    choices = _choices(where)
    allowed = f"; allowed: {', '.join(choices)}" if choices else ""
    return f"key '{where}': {what[:1].lower()}{what[1:]}{allowed} (got {got!r})"


def _choices(where: str) -> list[str]:
    """The values a key accepts when they are a fixed set (an enum or a literal)."""
    info: Any = msgspec.inspect.type_info(StationConfig)
    for part in re.findall(r"[^.\[\]]+", where):
        if isinstance(info, msgspec.inspect.ListType):
            info = info.item_type
        elif isinstance(info, msgspec.inspect.StructType):
            fields = {f.name: f.type for f in info.fields}
            if part not in fields:
                return []
            info = fields[part]
    if isinstance(info, msgspec.inspect.EnumType):
        return [str(member.value) for member in info.cls]
    if isinstance(info, msgspec.inspect.LiteralType):
        return [str(value) for value in info.values]
    return []


def _lookup(raw: Any, where: str) -> Any:
    """The value at a msgspec path such as `security.pin_required_roles[1]`."""
    for part in re.findall(r"[^.\[\]]+", where):
        try:
            raw = raw[int(part)] if isinstance(raw, list) else raw[part]
        except (KeyError, IndexError, ValueError, TypeError):
            return None
    return raw


def _one_problem(path: Path, problem: str) -> str:
    return f"{path}: 1 problem:\n  - {problem}"
