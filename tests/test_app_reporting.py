"""Serial numbers and work reports through the real app: scans and badges from
pseudo-terminal devices, labels printed into a folder on a final report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from kiosk.app import KioskApp
from kiosk.config import load_config
from kiosk.demo_data import demo_serial
from kiosk.reporting import box_lot
from kiosk.services import Services
from screens.approval import Approval
from screens.choice_prompt import ChoicePrompt
from screens.home import HomeScreen
from screens.pin_prompt import PinPrompt
from screens.report_form import ReportForm
from tests.conftest import TODAY
from tests.fakes import FakeClock
from tests.test_app import events_of, wait_for
from tests.test_app_devices import Port, notified, ports, serial_app
from tests.test_reporting import packing
from tests.test_serials import task_of

__all__ = ["packing", "ports", "serial_app"]  # fixtures, used by name


async def signed_in_home(pilot: Pilot[None], app: KioskApp, badge: Port) -> HomeScreen:
    await wait_for(pilot, lambda: notified(app, "Badge reader connected."))
    badge.send(b"E1003\r\n")  # Kevin Chen, operator, English
    await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
    home = app.screen
    assert isinstance(home, HomeScreen)
    await wait_for(pilot, lambda: home.query_one(DataTable).row_count > 0)
    return home


async def select(pilot: Pilot[None], home: HomeScreen, operation_id: str) -> None:
    table = home.query_one(DataTable)
    table.move_cursor(row=table.get_row_index(operation_id))
    await pilot.pause()


def form(app: KioskApp) -> ReportForm:
    screen = app.screen
    assert isinstance(screen, ReportForm)
    return screen


@pytest.mark.parametrize("size", [(120, 40), (40, 16)])
async def test_units_are_bound_by_scan_and_a_scrapped_one_is_named_in_the_report(
    serial_app: KioskApp, services: Services, ports: tuple[Port, Port], size: tuple[int, int]
) -> None:
    scanner, badge = ports
    app = serial_app
    bells: list[None] = []
    app.bell = lambda: bells.append(None)  # type: ignore[method-assign]
    reflow = task_of(services, 35, 20)  # GW-310 reflow & AOI: binds serial numbers
    async with app.run_test(size=size) as pilot:
        home = await signed_in_home(pilot, app, badge)
        await select(pilot, home, reflow.operation_id)
        await pilot.press("f2")
        await wait_for(pilot, lambda: notified(app, "Started"))

        scanner.send(b"SN2611003500001\r")
        await wait_for(pilot, lambda: notified(app, "SN2611003500001 bound (1 of 150)"))
        scanner.send(b"SN2611003500001\r")
        await wait_for(pilot, lambda: notified(app, "was already bound"))
        other = demo_serial(TODAY, 31, 5)
        scanner.send(other.encode() + b"\r")
        await wait_for(pilot, lambda: notified(app, f"belongs to work order WO-{TODAY:%y%m}-0031"))
        assert len(bells) == 2

        scanner.send(b"SN2611003500002\r")
        await wait_for(pilot, lambda: notified(app, "bound (2 of 150)"))

        await pilot.press("f12")
        await wait_for(pilot, lambda: isinstance(app.screen, ReportForm))
        report = form(app)
        assert report.query_one("#good", Input).value == "2"  # the units scanned
        scanner.send(b"SN2611003500002\r")  # that one is scrap
        await wait_for(pilot, lambda: report.scrapped == ["SN2611003500002"])
        assert report.query_one("#good", Input).value == "1"
        assert report.query_one("#scrap", Input).value == "1"
        await pilot.press("f3")  # final: shown where it cannot be missed, at either size
        final = report.query_one("#final")
        assert "FINAL" in str(final.render())
        assert report.get_widget_at(final.region.x, final.region.y)[0] is final
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoicePrompt))
        await pilot.press("1", "enter")  # the plant's first reason
        await wait_for(pilot, lambda: notified(app, "Final report: 1 good, 1 scrap."))
    [event] = events_of(services, "operation.reported")
    payload = json.loads(event.payload)
    assert (payload["good"], payload["scrap"], payload["scrap_reason"]) == (1, 1, "COMPONENT")
    assert payload["final"] is True
    assert (payload["serials"], payload["scrapped_serials"]) == (
        ["SN2611003500001"],
        ["SN2611003500002"],
    )


async def test_more_than_planned_is_reported_once_a_team_lead_approves(
    serial_app: KioskApp, services: Services, ports: tuple[Port, Port]
) -> None:
    _, badge = ports
    app = serial_app
    reflow = task_of(services, 32, 20)  # MC-200 reflow: 340 of 500 done
    async with app.run_test(size=(120, 40)) as pilot:
        home = await signed_in_home(pilot, app, badge)
        await select(pilot, home, reflow.operation_id)
        await pilot.press("f2")
        await wait_for(pilot, lambda: notified(app, "Started"))
        await pilot.press("f12")
        await wait_for(pilot, lambda: isinstance(app.screen, ReportForm))
        await pilot.press(*"170", "enter", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, Approval))

        badge.send(b"E1001\r\n")  # an operator cannot approve
        await wait_for(
            pilot, lambda: "may not do this" in str(app.screen.query_one("#why").render())
        )
        badge.send(b"E1010\r\n")  # Daniel Lee, team lead: PIN next
        await wait_for(pilot, lambda: isinstance(app.screen, PinPrompt))
        await pilot.press(*"8642", "enter")
        await wait_for(pilot, lambda: notified(app, "Reported: 170 good, 0 scrap."))
    [report] = events_of(services, "operation.reported")
    assert json.loads(report.payload)["approved_by"] is not None


async def test_a_final_report_prints_the_configured_labels(
    tmp_path: Path, clock: FakeClock, packing: Services, ports: tuple[Port, Port]
) -> None:
    services = packing  # built with the [labels] section written below
    scanner, badge = ports
    folder = tmp_path / "labels"
    folder.mkdir()
    path = tmp_path / "kiosk.toml"
    path.write_text(
        path.read_text(encoding="utf-8")
        + f'\n[devices.scanner]\nkind = "serial"\nport = "{scanner.link}"\n'
        + f'\n[devices.badge_reader]\nkind = "serial"\nport = "{badge.link}"\n'
        + 'suffix = "crlf"\nbadge_format = "text"\n'
        + f'\n[devices.printer]\nkind = "folder"\ntarget = "{folder}"\n'
        + '\n[labels]\nproduct_labels_at = ["WC-ASM"]\nbox_labels_at = ["WC-ASM"]\n',
        encoding="utf-8",
    )
    app = KioskApp(
        load_config(path), clock, lambda: services, tick_seconds=0.05, print_retry_seconds=0.05
    )
    assembly = task_of(services, 31, 30)  # GW-310 final assembly: its boards passed reflow
    units = [demo_serial(TODAY, 31, n) for n in (1, 2)]
    kevin = services.auth.badge("E1003").user
    assert kevin is not None
    services.sops.acknowledge(assembly.operation_id, kevin)
    async with app.run_test(size=(120, 40)) as pilot:
        home = await signed_in_home(pilot, app, badge)
        await select(pilot, home, assembly.operation_id)
        await pilot.press("f2")
        await wait_for(pilot, lambda: notified(app, "Started"))
        scanner.send(units[0].encode() + b"\r")
        await wait_for(pilot, lambda: notified(app, "bound (1 of 200)"))
        scanner.send(units[1].encode() + b"\r")
        await wait_for(pilot, lambda: notified(app, "bound (2 of 200)"))
        await pilot.press("f12")
        await wait_for(pilot, lambda: isinstance(app.screen, ReportForm))
        await pilot.press("f3", "f2")  # final, with the two units scanned
        await wait_for(pilot, lambda: notified(app, "Final report: 2 good, 0 scrap."))
        assert notified(app, "3 labels sent to print.")
        await wait_for(pilot, lambda: len(list(folder.glob("*.zpl"))) == 3, seconds=10)
        await wait_for(pilot, lambda: assembly.operation_id not in home._tasks)
    printed = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.zpl"))]
    assert all(any(sn in zpl for zpl in printed) for sn in units)
    [report] = events_of(services, "operation.reported")
    box = box_lot(f"WO-{TODAY:%y%m}-0031", json.loads(report.payload)["report_id"])
    assert sum(box in zpl for zpl in printed) == 1
    assert len(events_of(services, "label.printed")) == 3
