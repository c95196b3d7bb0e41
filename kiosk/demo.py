"""`kiosk demo`: a ready-to-use station on demo data, in a folder of its own."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path

import msgspec

from devices.printer_sim import PrinterSimulator
from kiosk.clock import Clock
from kiosk.config import StationConfig, load_config
from kiosk.daily_check_values import Answer, CheckKind, CheckStatus
from kiosk.demo_data import DEMO_BADGES, DEMO_STATION_ID, DEMO_WORK_CENTERS, seed_demo
from kiosk.equipment_values import MachineState
from kiosk.identity import LogoutReason, Outcome, SignedIn
from kiosk.services import Services, open_services
from kiosk.work import PauseReason

_CONFIG = """\
# Demo station written by `kiosk demo`; see kiosk.toml in the repository for every key.
[station]
id = "{station}"
name = "总装一号工位 Assembly 1"
work_centers = [{work_centers}]
language = "zh_CN"
idle_logout_seconds = 300

[database]
path = "station.db"

[hub]
url = ""

# Simulated serial devices: `kiosk sim scanner`, `kiosk sim badge` and `kiosk sim gauge`
# plug them in. Badges can always be typed at the login screen as well.
[devices.scanner]
kind = "serial"
port = "scanner.tty"

[devices.badge_reader]
kind = "serial"
port = "badge.tty"
badge_format = "text"

# A measuring gauge's data cable: its readings go into the inspection being entered.
[devices.gauge]
kind = "serial"
port = "gauge.tty"

# A Zebra-style label printer on loopback, simulated by `kiosk demo` itself; it keeps each
# label it receives in labels/.
[devices.printer]
kind = "zpl_tcp"
target = "127.0.0.1:{printer_port}"

# Final assembly prints a product label per unit reported, and a box label per report.
[labels]
product_labels_at = ["WC-ASM"]
box_labels_at = ["WC-ASM"]

# Machine programs (Ctrl+G on a task): the placement machine reads them from a folder; the
# screwdriver station takes its torque program over serial DNC from `kiosk sim dnc`.
[[nc.machines]]
equipment = "SMT1-PNP"
kind = "folder"
target = "nc/SMT1-PNP"

[[nc.machines]]
equipment = "ASM1-SCREW"
kind = "serial"
target = "dnc.tty"
"""


# What `kiosk demo` creates in its folder, and so all that --reset may delete.
_DEMO_FILES = (
    "kiosk.toml",
    "station.db",
    "station.db-wal",
    "station.db-shm",
    # `kiosk demo --hub`: the demo hub's database, log and tokens.
    "hub.db",
    "hub.db-wal",
    "hub.db-shm",
    "hub.log",
    "hub-tokens.json",
)
_DEMO_FOLDERS = ("labels", "nc")


DEMO_PRINTER_PORT = 9100


def start_demo_printer(config: StationConfig) -> tuple[PrinterSimulator, StationConfig]:
    """The demo's label printer; on another port (and so configured) when 9100 is taken."""
    labels = config.database.path.parent / "labels"
    labels.mkdir(exist_ok=True)
    printer = PrinterSimulator(port=DEMO_PRINTER_PORT, folder=labels)
    try:
        printer.start()
    except OSError:
        printer = PrinterSimulator(folder=labels)
        printer.start()
    target = f"127.0.0.1:{printer.port}"
    if config.devices.printer.target == target:
        return printer, config
    replace = msgspec.structs.replace
    devices = replace(
        config.devices, printer=replace(config.devices.printer, kind="zpl_tcp", target=target)
    )
    return printer, replace(config, devices=devices)


def demo_port(data_dir: Path, device: str) -> Path:
    """Where the demo station expects its simulated `scanner`, `badge` reader, `gauge` or
    `dnc` machine port."""
    return data_dir / f"{device}.tty"


def prepare_demo(data_dir: Path, clock: Clock, reset: bool = False) -> StationConfig:
    """Create (or reuse) the demo station in `data_dir` and return its configuration."""
    if reset:
        for name in _DEMO_FILES:
            (data_dir / name).unlink(missing_ok=True)
        for name in _DEMO_FOLDERS:
            shutil.rmtree(data_dir / name, ignore_errors=True)
    config_path = data_dir / "kiosk.toml"
    if not config_path.exists():
        (data_dir / "labels").mkdir(parents=True, exist_ok=True)
        (data_dir / "nc" / "SMT1-PNP").mkdir(parents=True, exist_ok=True)
        work_centers = ", ".join(f'"{code}"' for code in DEMO_WORK_CENTERS)
        config_path.write_text(
            _CONFIG.format(
                station=DEMO_STATION_ID, work_centers=work_centers, printer_port=DEMO_PRINTER_PORT
            ),
            encoding="utf-8",
        )
    config = load_config(config_path)
    if not config.database.path.exists():
        _seed(config, clock)
    return config


class _EarlierToday:
    """The demo's shift began before the app was opened: its events are dated `ago` back.

    Both clocks move back together, so the timers read as if the work had really run.
    """

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self.ago = 0.0

    def now(self) -> datetime:
        return self._clock.now() - timedelta(seconds=self.ago)

    def monotonic(self) -> float:
        return self._clock.monotonic() - self.ago

    def boot_id(self) -> str:
        return self._clock.boot_id()


def _seed(config: StationConfig, clock: Clock) -> None:
    """Reference data, then a shift already under way, made through the real services."""
    earlier = _EarlierToday(clock)
    services = open_services(config, earlier)
    try:
        seed_demo(services.store, clock.now().astimezone().date(), daily_checks=True)
        operator = next(badge for badge in DEMO_BADGES if badge.pin is None)
        earlier.ago = 2 * 3600 + 300
        signed_in = services.auth.badge(operator.badge)
        assert signed_in.outcome is Outcome.OK and signed_in.user is not None
        who = signed_in.user
        first, second = services.tasks.open_tasks()[:2]
        # The machines of her work were checked (in the shift of each start: one may begin
        # between the two) and set running before she started it.
        ready_machines(services, first.work_center, who)
        earlier.ago = 2 * 3600
        # She read the revised assembly SOP before starting, as the terminal asks.
        for task in (first, second):
            if services.sops.needs_acknowledgement(task.operation_id, who):
                services.sops.acknowledge(task.operation_id, who)
        services.tasks.start(first.operation_id, who)
        earlier.ago = 100 * 60
        ready_machines(services, second.work_center, who)
        services.tasks.start(second.operation_id, who)
        earlier.ago = 55 * 60
        services.tasks.pause(second.operation_id, who, PauseReason.MATERIAL_SHORTAGE)
        earlier.ago = 50 * 60
        services.auth.logout(who, LogoutReason.MANUAL)
    finally:
        services.close()


def ready_machines(services: Services, work_center: str, who: SignedIn) -> None:
    """The machines of `work_center` this shift's check still waits for get one with every
    item passed (readings mid-range); those not running yet are set running."""
    statuses = services.daily_checks.statuses()
    running = {
        shift.equipment.code
        for shift in services.equipment.shift_summary(who.language)
        if shift.state is MachineState.RUNNING
    }
    for machine in services.equipment.equipment():
        if machine.work_center != work_center:
            continue
        if statuses.get(machine.code) is CheckStatus.TO_DO:
            items = services.daily_checks.items(machine.code, who.language)
            answers = {
                item.code: Answer(value=((item.lsl or 0.0) + (item.usl or 0.0)) / 2)
                if item.kind is CheckKind.VALUE
                else Answer(passed=True)
                for item in items
            }
            services.daily_checks.submit(machine.code, answers, who)
        if machine.code not in running:
            services.equipment.change(machine.code, MachineState.RUNNING, "", who)
