"""Everything the screens need from the domain, built once the store is open."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.andon import AndonService
from kiosk.auth import AuthService
from kiosk.clock import Clock
from kiosk.config import StationConfig
from kiosk.daily_check import DailyCheckService
from kiosk.equipment import EquipmentService
from kiosk.maintenance import MaintenanceService
from kiosk.material_handling import MaterialHandlingService
from kiosk.materials import MaterialService
from kiosk.nc_programs import NcProgramService
from kiosk.print_queue import PrintQueue
from kiosk.qc import QcService
from kiosk.reporting import ReportService
from kiosk.serials import SerialService
from kiosk.sop import SopService
from kiosk.store.database import Store, open_store
from kiosk.tasks import TaskService
from kiosk.traceability import TraceService
from sync import station_state
from sync.station_state import SyncIssue


@dataclass(frozen=True)
class Services:
    store: Store
    auth: AuthService
    tasks: TaskService
    materials: MaterialService
    handling: MaterialHandlingService
    sops: SopService
    printing: PrintQueue
    serials: SerialService
    reports: ReportService
    trace: TraceService
    nc: NcProgramService
    equipment: EquipmentService
    daily_checks: DailyCheckService
    andon: AndonService
    maintenance: MaintenanceService
    qc: QcService

    def sync_issues(self) -> list[SyncIssue]:
        return station_state.sync_issues(self.store)

    def close(self) -> None:
        self.store.close()


def open_services(config: StationConfig, clock: Clock) -> Services:
    """Open the station database (blocking: call it from a worker thread)."""
    store = open_store(config.database.path, config.station.id, clock)
    sops = SopService(store, clock)
    printing = PrintQueue(store, clock)
    centers = config.station.work_centers
    nc = NcProgramService(store, clock, centers, config.nc.machines)
    nc.settle_interrupted()  # sends a crash or power cut cut short, before anyone sends more
    auth = AuthService(store, clock, config.security)
    return Services(
        store=store,
        auth=auth,
        tasks=TaskService(store, clock, config.station.work_centers, sops, config.shifts.starts),
        materials=MaterialService(store, clock, config.station.work_centers),
        handling=MaterialHandlingService(store, clock, config.station.work_centers),
        sops=sops,
        printing=printing,
        serials=SerialService(store, clock, centers),
        reports=ReportService(store, clock, centers, printing, config.labels),
        trace=TraceService(store),
        nc=nc,
        equipment=EquipmentService(store, clock, centers, config.shifts.starts),
        daily_checks=DailyCheckService(
            store, clock, config.station.id, centers, config.shifts.starts
        ),
        andon=AndonService(
            store,
            clock,
            config.station.id,
            centers,
            config.andon.escalate_after_minutes,
        ),
        maintenance=MaintenanceService(store, clock, centers),
        qc=QcService(store, clock, config.station.id, centers, auth),
    )
