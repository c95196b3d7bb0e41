"""Material check through the real app: labels and badges from pseudo-terminal devices."""

from __future__ import annotations

import json

import pytest
from textual.widgets import DataTable, Static

from kiosk.app import KioskApp
from kiosk.services import Services
from kiosk.work import LotStatus
from screens.choice_prompt import ChoicePrompt
from screens.home import HomeScreen
from screens.material_check import MaterialCheckScreen
from screens.pin_prompt import PinPrompt
from screens.widgets.pick_list import PickListTable
from screens.widgets.verdict_banner import VerdictBanner
from tests.test_app import events_of, wait_for
from tests.test_app_devices import Port, notified, ports, serial_app
from tests.test_materials import lot_of, smt_task

__all__ = ["ports", "serial_app"]  # fixtures, used by name
GS = b"\x1d"


def material_label(part: str, lot: str, qty: int) -> bytes:
    """A GS1-128 label as a scanner sends it: symbology, FNC1 as GS, CR."""
    return b"]C1240" + part.encode() + GS + b"10" + lot.encode() + GS + b"30%d\r" % qty


def banner(screen: MaterialCheckScreen) -> tuple[str, str]:
    widget = screen.query_one(VerdictBanner)
    word = str(widget.query_one("#verdict", Static).render())
    return word.replace(" ", ""), str(widget.query_one("#why", Static).render())


@pytest.mark.parametrize("size", [(120, 40), (40, 16)])
async def test_scans_get_one_verdict_each_and_a_team_lead_overrides_a_held_lot(
    serial_app: KioskApp, services: Services, ports: tuple[Port, Port], size: tuple[int, int]
) -> None:
    scanner, badge = ports
    app = serial_app
    bells: list[None] = []
    app.bell = lambda: bells.append(None)  # type: ignore[method-assign]
    task = smt_task(services)
    good, held = (
        lot_of(services, "PCB-MC200-C"),
        lot_of(services, "IC-STM32F407", LotStatus.ON_HOLD),
    )
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, lambda: notified(app, "Badge reader connected."))
        badge.send(b"E1003\r\n")  # Kevin Chen, operator, English
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        home = app.screen
        # The screen is on top before its table has mounted: wait for both.
        await wait_for(pilot, lambda: home.query_one(DataTable).row_count > 0)
        table = home.query_one(DataTable)
        table.move_cursor(row=table.get_row_index(task.operation_id))
        await pilot.press("f9")
        await wait_for(pilot, lambda: isinstance(app.screen, MaterialCheckScreen))
        screen = app.screen
        assert isinstance(screen, MaterialCheckScreen)
        pick = screen.query_one(PickListTable)
        await wait_for(pilot, lambda: pick.row_count == 6)

        scanner.send(material_label("PCB-MC200-C", good, 500))
        await wait_for(pilot, lambda: banner(screen)[0] == "OK")
        assert f"Lot {good} (PCB-MC200-C) qty 500 loaded." in banner(screen)[1]
        assert bells == []
        loaded_column = "loaded"
        assert str(pick.get_cell("PCB-MC200-C", loaded_column)) == "500"

        scanner.send(material_label("IC-STM32F407", held, 80))
        await wait_for(pilot, lambda: banner(screen)[0] == "LOTONHOLD")
        assert "team lead may override" in banner(screen)[1]
        assert len(bells) == 1

        # The team lead's badge, then PIN, then a reason: the lot is loaded on their word.
        badge.send(b"E1009\r\n")
        await wait_for(pilot, lambda: isinstance(app.screen, PinPrompt))
        # The check's lane is paused under the prompt: a label read now is not judged.
        scanner.send(material_label("PCB-MC200-C", good, 500))
        await wait_for(pilot, lambda: notified(app, "A scan is not taken here"))
        await pilot.press(*"1357", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoicePrompt))
        await pilot.press("1", "enter")
        await wait_for(pilot, lambda: notified(app, f"overrode lot {held}"))
        assert banner(screen)[0] == "OK"
        assert str(pick.get_cell("IC-STM32F407", loaded_column)) == "80"
        [override] = events_of(services, "material.overridden")
        assert json.loads(override.payload)["reason"] == "concession"

        scanner.send(b"]C0#K:ANDON_QUALITY\r")  # a command sheet: not for this screen
        await wait_for(pilot, lambda: notified(app, "That command is not used on this screen"))
        scanner.send(b"]C0%%%\r")  # a label nobody can read
        await wait_for(pilot, lambda: banner(screen)[0] == "BADLABEL")
        assert len(bells) == 3  # the held lot, the label read under the prompt, this one
        await pilot.press("f6")  # nothing to override: said so, nothing asked
        await wait_for(pilot, lambda: notified(app, "no refused scan to override"))

        await pilot.press("f10")
        await wait_for(pilot, lambda: app.screen is home)
        # The check's lane closed with it: the next label goes to the screen on top.
        scanner.send(material_label("PCB-MC200-C", good, 500))
        await wait_for(pilot, lambda: notified(app, "Material label scanned"))
    verdicts = [json.loads(e.payload)["verdict"] for e in events_of(services, "material.verified")]
    assert verdicts == ["ok", "lot_on_hold", "bad_label"]


async def test_a_scan_that_fails_unexpectedly_is_reported_and_the_next_one_is_still_judged(
    serial_app: KioskApp, services: Services, ports: tuple[Port, Port]
) -> None:
    scanner, badge = ports
    app = serial_app
    task = smt_task(services)
    good = lot_of(services, "PCB-MC200-C")
    verify = services.materials.verify
    calls: list[str] = []

    def fails_once(*args: object, **kwargs: object) -> object:
        calls.append("verify")
        if len(calls) == 1:
            raise RuntimeError("disk gone")  # as the database would when its disk fails
        return verify(*args, **kwargs)  # type: ignore[arg-type]

    services.materials.verify = fails_once  # type: ignore[method-assign,assignment]
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: notified(app, "Badge reader connected."))
        badge.send(b"E1003\r\n")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        await wait_for(pilot, lambda: app.screen.query_one(DataTable).row_count > 0)
        table = app.screen.query_one(DataTable)
        table.move_cursor(row=table.get_row_index(task.operation_id))
        await pilot.press("f9")
        await wait_for(pilot, lambda: isinstance(app.screen, MaterialCheckScreen))
        screen = app.screen
        assert isinstance(screen, MaterialCheckScreen)

        scanner.send(material_label("PCB-MC200-C", good, 500))
        await wait_for(pilot, lambda: notified(app, "RuntimeError"))
        assert banner(screen)[0] != "OK"  # nothing was committed, so nothing shows as loaded
        scanner.send(material_label("PCB-MC200-C", good, 500))  # the operator scans it again
        await wait_for(pilot, lambda: banner(screen)[0] == "OK")

        # Leaving the check ends its judging thread rather than leaving it waiting for scans.
        [judge] = [worker for worker in app.workers if worker.name == "judge"]
        await pilot.press("f10")
        await wait_for(pilot, lambda: judge.is_finished)
    assert calls == ["verify", "verify"]
    [verified] = events_of(services, "material.verified")
    assert json.loads(verified.payload)["verdict"] == "ok"
