"""`kiosk doctor`: what is wrong with this station's setup, and how to fix it."""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from kiosk.config import (
    ConfigError,
    GaugeDevice,
    InputDevice,
    NcMachine,
    PrinterDevice,
    StationConfig,
    load_config,
)
from kiosk.store.database import SCHEMA_HEAD
from sync.hub_probe import Reach, hello


class Verdict(StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "fail"


@dataclass(frozen=True)
class Check:
    subject: str
    verdict: Verdict
    detail: str
    fix: str = ""


def diagnose(config_path: Path) -> list[Check]:
    try:
        config = load_config(config_path)
    except ConfigError as exc:
        return [Check("config", Verdict.FAIL, str(exc), "Correct the file and run again.")]
    checks = [Check("config", Verdict.OK, f"{config_path} ({config.station.id})")]
    checks.append(check_database(config))
    devices = config.devices
    checks.append(check_input_device("scanner", devices.scanner))
    checks.append(check_input_device("badge reader", devices.badge_reader))
    checks.append(check_input_device("gauge", devices.gauge))
    checks.append(check_printer(devices.printer))
    checks.extend(check_nc_machine(machine) for machine in config.nc.machines)
    checks.append(check_hub(config))
    return checks


def check_database(config: StationConfig) -> Check:
    path = config.database.path
    if not path.exists():
        folder = path.parent if path.parent.exists() else _existing_parent(path)
        if os.access(folder, os.W_OK):
            return Check(
                "database",
                Verdict.WARN,
                f"{path} does not exist yet",
                "It is created at the first `kiosk run`.",
            )
        return Check(
            "database",
            Verdict.FAIL,
            f"{folder} is not writable",
            "Give the kiosk user write access, or change [database] path.",
        )
    try:
        # Read-only: the doctor never changes the station's data.
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            integrity = conn.execute("PRAGMA quick_check").fetchone()[0]
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
            revision = (
                conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
                if "alembic_version" in tables
                else None
            )
            owner = (
                conn.execute("SELECT value FROM station_meta WHERE key='station_id'").fetchone()
                if "station_meta" in tables
                else None
            )
            unsent = (
                conn.execute("SELECT count(*) FROM event WHERE synced_at IS NULL").fetchone()[0]
                if "event" in tables
                else 0
            )
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return Check(
            "database",
            Verdict.FAIL,
            f"{path}: {exc}",
            "Restore the file from backup, or move it aside to start afresh.",
        )
    if integrity != "ok":
        return Check(
            "database",
            Verdict.FAIL,
            f"{path}: integrity check says {integrity}",
            "Stop the station and restore the file from backup.",
        )
    if owner is not None and owner[0] != config.station.id:
        return Check(
            "database",
            Verdict.FAIL,
            f"{path} belongs to station {owner[0]}, not {config.station.id}",
            "Point [database] path at this station's own file.",
        )
    detail = f"{path}: schema {revision}, journal {mode}, {unsent} event(s) not yet synced"
    if revision != SCHEMA_HEAD:
        return Check(
            "database",
            Verdict.WARN,
            detail,
            f"It is upgraded to schema {SCHEMA_HEAD} at the next `kiosk run`.",
        )
    return Check("database", Verdict.OK, detail)


def check_input_device(name: str, device: InputDevice | GaugeDevice) -> Check:
    if device.kind in ("keyboard", "simulated", "none"):
        return Check(name, Verdict.OK, f"{device.kind}")
    port = Path(device.port)
    if not device.port or not port.exists():
        return Check(
            name,
            Verdict.FAIL,
            f"serial port '{device.port}' not found",
            "Plug the device in, or set its port (e.g. /dev/serial/by-id/...).",
        )
    if not os.access(port, os.R_OK | os.W_OK):
        return Check(
            name,
            Verdict.FAIL,
            f"no permission on {port}",
            "Add the kiosk user to the 'dialout' group.",
        )
    return Check(name, Verdict.OK, f"serial {port} at {device.baud} baud")


def check_nc_machine(machine: NcMachine) -> Check:
    """Where a machine's programs go: its folder writable, or its serial port there."""
    subject = f"programs for {machine.equipment}"
    target = Path(machine.target)
    if machine.kind == "folder":
        if target.is_dir() and os.access(target, os.W_OK):
            return Check(subject, Verdict.OK, f"written into {target}")
        return Check(
            subject,
            Verdict.FAIL,
            f"folder '{target}' is not there or not writable",
            "Create it (or mount the machine's share), or change [[nc.machines]] target.",
        )
    if not target.exists():
        return Check(
            subject,
            Verdict.FAIL,
            f"serial port '{target}' not found",
            "Plug the DNC cable in, or set [[nc.machines]] target (e.g. /dev/serial/by-id/...).",
        )
    if not os.access(target, os.R_OK | os.W_OK):
        return Check(
            subject, Verdict.FAIL, f"no permission on {target}", "Add the kiosk user to 'dialout'."
        )
    return Check(subject, Verdict.OK, f"serial DNC {target} at {machine.baud} baud")


def check_printer(printer: PrinterDevice) -> Check:
    if printer.kind == "none":
        return Check(
            "printer",
            Verdict.WARN,
            "no printer configured",
            "Set [devices.printer] to print labels.",
        )
    if printer.kind == "folder":
        folder = Path(printer.target)
        if folder.is_dir() and os.access(folder, os.W_OK):
            return Check("printer", Verdict.OK, f"labels saved to {folder}")
        return Check(
            "printer",
            Verdict.FAIL,
            f"folder '{printer.target}' is not writable",
            "Create it or change [devices.printer] target.",
        )
    if printer.kind == "cups":
        if shutil.which("lp") is None:
            return Check(
                "printer",
                Verdict.FAIL,
                "the `lp` command is missing",
                "Install CUPS client tools (apt-get install cups-client).",
            )
        return Check("printer", Verdict.OK, f"CUPS queue '{printer.target}'")
    if printer.kind == "zpl_serial":
        if Path(printer.target).exists():
            return Check("printer", Verdict.OK, f"label printer on {printer.target}")
        return Check(
            "printer",
            Verdict.FAIL,
            f"serial port '{printer.target}' not found",
            "Plug the printer in, or set [devices.printer] target.",
        )
    host, _, port = printer.target.partition(":")
    try:
        with socket.create_connection((host, int(port or 9100)), timeout=2):
            pass
    except (OSError, ValueError) as exc:
        return Check(
            "printer",
            Verdict.FAIL,
            f"label printer {printer.target}: {exc}",
            "Check that it is on, cabled, and that target is host:port.",
        )
    return Check("printer", Verdict.OK, f"label printer {printer.target} answers")


def check_hub(config: StationConfig) -> Check:
    hub = config.hub
    if not hub.url:
        return Check(
            "hub",
            Verdict.WARN,
            "no hub configured: the station runs standalone",
            "Set [hub] url and token to sync with the central hub.",
        )
    answer = hello(hub)
    if answer.reach is Reach.UNREACHABLE:
        return Check(
            "hub",
            Verdict.FAIL,
            f"{hub.url} does not answer ({answer.detail})",
            "Check the network, [hub] url and ca_file; the station keeps working offline "
            "meanwhile.",
        )
    if answer.reach is Reach.REFUSED:
        return Check(
            "hub",
            Verdict.FAIL,
            f"{hub.url} refuses this station: {answer.detail}",
            "Set [hub] token to the one `kiosk hub add-station` printed for this station.",
        )
    if answer.station_id != config.station.id:
        return Check(
            "hub",
            Verdict.FAIL,
            f"the token is station {answer.station_id}'s, not {config.station.id}'s",
            "Use this station's own token, or fix [station] id.",
        )
    missing = sorted(set(config.station.work_centers) - set(answer.work_centers))
    if missing:
        return Check(
            "hub",
            Verdict.WARN,
            f"the hub serves this station for {', '.join(answer.work_centers)}, "
            f"not {', '.join(missing)}",
            "Enrol the station for those work centers on the hub, or fix [station] "
            "work_centers: the hub refuses their events.",
        )
    return Check(
        "hub", Verdict.OK, f"{hub.url} knows {answer.station_id} ({', '.join(answer.work_centers)})"
    )


def _existing_parent(path: Path) -> Path:
    for parent in path.parents:
        if parent.exists():
            return parent
    return Path("/")
