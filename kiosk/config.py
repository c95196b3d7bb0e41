"""Station configuration: `kiosk.toml`, validated once at start.

Every problem becomes one `ConfigError` whose message names the file and the key, so the
command line can print it instead of a traceback.
"""

from __future__ import annotations

import tomllib
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from kiosk.roles import Role


class Language(StrEnum):
    ZH_CN = "zh_CN"
    EN = "en"


class ConfigError(Exception):
    """A configuration file that cannot be used; the message is meant for a person."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _beside_config(value: Path, info: ValidationInfo) -> Path:
    """Relative paths in kiosk.toml are taken from the file's own folder, not the cwd."""
    base = (info.context or {}).get("config_dir")
    return value if value.is_absolute() or base is None else base / value


class StationSection(_Section):
    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]
    name: Annotated[str, Field(min_length=1)]
    work_centers: Annotated[list[str], Field(min_length=1)]
    language: Language = Language.ZH_CN
    idle_logout_seconds: Annotated[StrictInt, Field(ge=10, le=86_400)] = 300


class DatabaseSection(_Section):
    path: Path

    _resolve = field_validator("path")(_beside_config)


class HubSection(_Section):
    url: str = ""
    token: str = ""
    timeout_seconds: Annotated[float, Field(gt=0, le=60)] = 3.0

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https:// (or be empty for no hub)")
        return value.rstrip("/")


class SecuritySection(_Section):
    pin_required_roles: list[Role] = [Role.TEAM_LEAD, Role.ADMIN]
    max_failed_attempts: Annotated[StrictInt, Field(ge=1, le=100)] = 5
    lockout_seconds: Annotated[StrictInt, Field(ge=1, le=86_400)] = 300


class InputDevice(_Section):
    """A scanner or badge reader: the keyboard wedge by default, or a serial port."""

    kind: Literal["keyboard", "serial", "simulated", "none"] = "keyboard"
    port: str = ""
    baud: Annotated[StrictInt, Field(gt=0)] = 9600


class PrinterDevice(_Section):
    kind: Literal["none", "folder", "zpl_tcp", "cups"] = "none"
    target: str = ""

    @model_validator(mode="before")
    @classmethod
    def _folder_beside_config(cls, data: Any, info: ValidationInfo) -> Any:
        if isinstance(data, dict) and data.get("kind") == "folder" and data.get("target"):
            return {**data, "target": str(_beside_config(Path(str(data["target"])), info))}
        return data


class DevicesSection(_Section):
    scanner: InputDevice = InputDevice()
    badge_reader: InputDevice = InputDevice()
    printer: PrinterDevice = PrinterDevice()


class StationConfig(_Section):
    station: StationSection
    database: DatabaseSection
    hub: HubSection = HubSection()
    security: SecuritySection = SecuritySection()
    devices: DevicesSection = DevicesSection()
    source: Path | None = Field(default=None, exclude=True)


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
    try:
        config = StationConfig.model_validate(raw, context={"config_dir": path.parent})
    except ValidationError as exc:
        raise ConfigError(_describe(path, exc)) from None
    return config.model_copy(update={"source": path})


def _describe(path: Path, exc: ValidationError) -> str:
    lines = []
    for error in exc.errors():
        key = ".".join(str(part) for part in error["loc"])
        kind = error["type"]
        if kind == "extra_forbidden":
            lines.append(f"unknown key '{key}' (check its spelling and section)")
        elif kind == "missing":
            lines.append(f"missing key '{key}'")
        else:
            got = error.get("input")
            message = error["msg"]
            lines.append(f"key '{key}': {message[:1].lower()}{message[1:]} (got {got!r})")
    noun = "problem" if len(lines) == 1 else "problems"
    return f"{path}: {len(lines)} {noun}:\n" + "\n".join(f"  - {line}" for line in lines)
