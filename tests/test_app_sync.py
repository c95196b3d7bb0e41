"""The station app against a real hub: a new station's first sync brings its people and
work, what the operator does reaches the hub, and the header tells how sync is going."""

from __future__ import annotations

import json
from pathlib import Path

from hub.importer import apply_import, parse_import_json
from kiosk.app import KioskApp
from kiosk.config import load_config
from kiosk.demo_data import DEMO_STATION_ID, DEMO_WORK_CENTERS
from kiosk.services import open_services
from screens.sop_viewer import SopViewerScreen
from screens.widgets.station_header import StationHeader
from tests.conftest import write_config
from tests.fakes import FakeClock
from tests.hub_harness import HubProcess, make_plant
from tests.test_app import sign_in, wait_for
from tests.test_hub_import import plant as erp_document
from tests.test_sync_screens import rows


async def test_a_new_station_syncs_its_people_and_work_and_reports_back(
    tmp_path: Path, clock: FakeClock
) -> None:
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    plant = make_plant(url)
    apply_import(plant.engine, parse_import_json(erp_document()), clock.now())
    token = plant.enrol(DEMO_STATION_ID, *DEMO_WORK_CENTERS)
    hub = HubProcess(url, tmp_path / "hub.log").start()
    path = write_config(tmp_path)  # an empty station database: everything comes from the hub
    path.write_text(
        path.read_text(encoding="utf-8")
        + f'\n[hub]\nurl = "{hub.url}"\ntoken = "{token}"\nsync_seconds = 1\n',
        encoding="utf-8",
    )
    config = load_config(path)
    app = KioskApp(config, clock, lambda: open_services(config, clock), status_seconds=0.1)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(pilot, lambda: app.hub_status is not None and app.hub_status.online)
            home = await sign_in(pilot, app, "E1001")  # a badge the hub sent
            assert "WO-2611-0031" in "\n".join(rows(app))
            await pilot.press("f2")
            # Its assembly SOP has a new version: read and acknowledged, the task starts.
            await wait_for(pilot, lambda: isinstance(app.screen, SopViewerScreen))
            await pilot.press("f2")
            await wait_for(
                pilot,
                lambda: any(
                    row.type == "operation.started" for row in plant.events(DEMO_STATION_ID)
                ),
                seconds=10,
            )
            await wait_for(pilot, lambda: app.hub_status is not None and app.hub_status.queued == 0)
            header = "\n".join(rows(app, home.query_one(StationHeader)))
            assert "● 在线 · 已全部上传" in header  # 张丽 reads Chinese: online, all sent
            started = [r for r in plant.events(DEMO_STATION_ID) if r.type == "operation.started"]
            assert started[0].status == "accepted"
            assert json.loads(started[0].payload)["work_order"] == "WO-2611-0031"
            hub.kill()  # the network goes; the operator signs out all the same
            await pilot.press("f10")
            await wait_for(pilot, lambda: app.hub_status is not None and not app.hub_status.online)
            await wait_for(pilot, lambda: app.hub_status is not None and app.hub_status.queued == 1)
            assert "○ offline · to send: 1" in rows(app)[0]
    finally:
        hub.kill()
