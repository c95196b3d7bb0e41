"""Equipment and the daily check through the real app: keys, prompts, a team lead's release."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from kiosk.app import KioskApp
from kiosk.services import Services
from kiosk.work import OperationStatus, Task
from screens.approval import Approval
from screens.choice_prompt import ChoicePrompt
from screens.daily_check import DailyCheckScreen
from screens.equipment import EquipmentScreen
from screens.home import HomeScreen
from screens.pin_prompt import PinPrompt
from screens.widgets.check_rows import PassFailRow, ValueRow
from screens.widgets.equipment_table import EquipmentTable
from screens.widgets.key_bar import KeyBar
from tests.fakes import FakeClock
from tests.test_app import app, events_of, operation_status, sign_in, wait_for
from tests.test_app_devices import notified
from tests.test_daily_check import give_check_items, pending_at
from tests.test_equipment import at_shift_start

__all__ = ["app"]  # a fixture, used by name

SIZES = [(120, 40), (40, 16)]


def cell(screen: EquipmentScreen, code: str, column: str) -> str:
    return str(screen.query_one(EquipmentTable).get_cell(code, column))


async def open_equipment(pilot: Pilot[None], app: KioskApp) -> EquipmentScreen:
    await pilot.press("ctrl+e")
    await wait_for(pilot, lambda: isinstance(app.screen, EquipmentScreen))
    screen = app.screen
    assert isinstance(screen, EquipmentScreen)
    await wait_for(pilot, lambda: screen.query_one(EquipmentTable).row_count == 3)
    return screen


async def select_task(pilot: Pilot[None], home: HomeScreen, task: Task) -> None:
    table = home.query_one(DataTable)
    table.move_cursor(row=table.get_row_index(task.operation_id))
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
async def test_states_change_by_digits_a_stop_asks_its_reason_and_availability_shows(
    app: KioskApp, clock: FakeClock, services: Services, size: tuple[int, int]
) -> None:
    at_shift_start(clock)
    async with app.run_test(size=size) as pilot:
        home = await sign_in(pilot, app, "E1003")  # Kevin Chen, English
        if size == (120, 40):  # the station's key bar has room for every key
            assert "^E  Equipment" in str(home.query_one(KeyBar).render())
        screen = await open_equipment(pilot, app)
        assert cell(screen, "SMT1-PNP", "state") == "—"  # nothing recorded yet
        assert cell(screen, "SMT1-PNP", "availability") == "—"

        await pilot.press("1")  # running: no reason asked
        await wait_for(pilot, lambda: cell(screen, "SMT1-PNP", "state") == "Running")
        clock.advance(45)
        await pilot.press("5")  # down: why?
        await wait_for(pilot, lambda: isinstance(app.screen, ChoicePrompt))
        assert "Breakdown" in str(app.screen.query_one("OptionList").render_line(0))
        await pilot.press("1", "enter")  # the plant's first stop reason: breakdown
        await wait_for(pilot, lambda: notified(app, "Maintenance order MO-"))
        await wait_for(pilot, lambda: cell(screen, "SMT1-PNP", "state") == "Down")
        clock.advance(15)
        await pilot.press("f5")
        await wait_for(pilot, lambda: cell(screen, "SMT1-PNP", "availability") == "75%")
        detail = str(screen.query_one("#detail", Static).render())
        assert "Running 0:00:45" in detail and "Down 0:00:15" in detail
        assert "Breakdown" in detail

        # Someone sets the terminal's clock back (within the shift, which began a minute
        # ago): nothing shown goes back with it.
        clock.set_wall(clock.now() - timedelta(seconds=30))
        clock.advance(20)
        await pilot.press("f5")
        await wait_for(pilot, lambda: cell(screen, "SMT1-PNP", "availability") == "56%")
        detail = str(screen.query_one("#detail", Static).render())
        assert "Running 0:00:45" in detail and "Down 0:00:35" in detail

        await pilot.press("5")  # down again: refused at once, no reason asked
        await wait_for(pilot, lambda: notified(app, "already in that state"))
        assert not isinstance(app.screen, ChoicePrompt)
        await pilot.press("f10")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
    changes = [json.loads(e.payload) for e in events_of(services, "equipment.state_changed")]
    assert [(c["state"], c["reason"]) for c in changes] == [
        ("running", ""),
        ("down", "BREAKDOWN"),
    ]
    assert changes[1]["seconds_in_previous"] == 45.0
    assert len(events_of(services, "maintenance.opened")) == 1


@pytest.mark.parametrize("size", SIZES)
async def test_a_failed_check_blocks_the_start_until_a_team_lead_releases_it(
    app: KioskApp, clock: FakeClock, services: Services, size: tuple[int, int]
) -> None:
    give_check_items(services, "SMT1-PNP")  # air pressure 0.5-0.7 MPa, nozzles, door
    smt = pending_at(services, "WC-SMT")
    async with app.run_test(size=size) as pilot:
        home = await sign_in(pilot, app, "E1003")
        await select_task(pilot, home, smt)
        await pilot.press("f2")
        await wait_for(pilot, lambda: notified(app, "Do the daily equipment check"))

        screen = await open_equipment(pilot, app)
        await wait_for(pilot, lambda: "to do" in str(screen.query_one("#detail").render()))
        await pilot.press("f2")  # the selected machine's check
        await wait_for(pilot, lambda: isinstance(app.screen, DailyCheckScreen))
        check = app.screen
        air = check.query_one(ValueRow)
        await wait_for(pilot, lambda: air.query_one(Input).has_focus)
        await pilot.press("0", ".", "9")  # out of limits: red as it is typed
        await wait_for(pilot, lambda: air.has_class("-bad"))
        assert "out of limits 0.5–0.7 MPa" in str(air.query_one(".verdict").render())
        await pilot.press("backspace", "6")  # within: red no more
        await wait_for(pilot, lambda: air.has_class("-good") and not air.has_class("-bad"))
        await pilot.press("backspace", "3", "enter")  # 0.3: out again; on to the next item
        nozzle, door = check.query(PassFailRow)
        await wait_for(pilot, lambda: nozzle.has_focus)
        await pilot.press("p")  # pass: on to the door
        await wait_for(pilot, lambda: door.has_focus)
        await pilot.press("f2")  # the door has no answer yet
        await wait_for(pilot, lambda: notified(app, "Some check items have no answer yet."))
        assert door.has_focus and isinstance(app.screen, DailyCheckScreen)
        await pilot.press("f", "enter")  # the door fails; Enter on the last item submits
        await wait_for(pilot, lambda: notified(app, "Daily check of SMT1-PNP FAILED"))
        await wait_for(pilot, lambda: app.screen is screen)
        await wait_for(pilot, lambda: "FAILED" in str(screen.query_one("#detail").render()))

        await pilot.press("f10")
        await wait_for(pilot, lambda: app.screen is home)
        await select_task(pilot, home, smt)
        await pilot.press("f2")
        await wait_for(pilot, lambda: notified(app, "a team lead must release it"))
        assert operation_status(services, smt.operation_id) is OperationStatus.PENDING

        again = await open_equipment(pilot, app)
        await wait_for(pilot, lambda: "FAILED" in str(again.query_one("#detail").render()))
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, Approval))
        await pilot.press(*"E1010", "enter")  # Daniel Lee, team lead: PIN next
        await wait_for(pilot, lambda: isinstance(app.screen, PinPrompt))
        await pilot.press(*"8642", "enter")
        await wait_for(pilot, lambda: notified(app, "released by Daniel Lee"))
        await pilot.press("f10")
        await wait_for(pilot, lambda: app.screen is home)
        await select_task(pilot, home, smt)
        await pilot.press("f2")
        await wait_for(
            pilot, lambda: operation_status(services, smt.operation_id) is OperationStatus.RUNNING
        )
    [checked] = [json.loads(e.payload) for e in events_of(services, "equipment.checked")]
    assert [(r["code"], r["passed"]) for r in checked["results"]] == [
        ("AIR", False),
        ("NOZZLE", True),
        ("DOOR", False),
    ]
    assert checked["results"][0]["value"] == 0.3
    [raised] = [json.loads(e.payload) for e in events_of(services, "exception.raised")]
    assert raised["equipment"] == "SMT1-PNP" and raised["exception_id"] == checked["exception_id"]
    [released] = [json.loads(e.payload) for e in events_of(services, "equipment.check_released")]
    assert released["check_id"] == checked["check_id"]
