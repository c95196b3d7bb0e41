"""Everything the screens need from the domain, built once the store is open."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.auth import AuthService
from kiosk.clock import Clock
from kiosk.config import StationConfig
from kiosk.materials import MaterialService
from kiosk.print_queue import PrintQueue
from kiosk.sop import SopService
from kiosk.store.database import Store, open_store
from kiosk.tasks import TaskService
from sync import station_state
from sync.station_state import SyncIssue


@dataclass(frozen=True)
class Services:
    store: Store
    auth: AuthService
    tasks: TaskService
    materials: MaterialService
    sops: SopService
    printing: PrintQueue

    def sync_issues(self) -> list[SyncIssue]:
        return station_state.sync_issues(self.store)

    def close(self) -> None:
        self.store.close()


def open_services(config: StationConfig, clock: Clock) -> Services:
    """Open the station database (blocking: call it from a worker thread)."""
    store = open_store(config.database.path, config.station.id, clock)
    sops = SopService(store, clock)
    return Services(
        store=store,
        auth=AuthService(store, clock, config.security),
        tasks=TaskService(store, clock, config.station.work_centers, sops),
        materials=MaterialService(store, clock, config.station.work_centers),
        sops=sops,
        printing=PrintQueue(store, clock),
    )
