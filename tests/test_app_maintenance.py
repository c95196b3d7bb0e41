"""Maintenance orders through the real app: badges and a spare part's label from
pseudo-terminal devices, at the station's size and a handheld's."""

from __future__ import annotations

import json

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from kiosk.app import KioskApp
from kiosk.maintenance_values import PartLine
from kiosk.services import Services
from kiosk.store.models import ReferenceRecord
from screens.approval import Approval
from screens.choice_prompt import ChoicePrompt
from screens.equipment import EquipmentScreen
from screens.home import HomeScreen
from screens.maintenance import MaintenanceScreen
from screens.maintenance_home import MaintenanceHome
from screens.pin_prompt import PinPrompt
from screens.repair_form import RepairForm
from screens.text_prompt import TextPrompt
from screens.widgets.key_bar import KeyBar
from screens.widgets.maintenance_order_table import MaintenanceOrderTable
from tests.fakes import FakeClock
from tests.test_app import events_of, wait_for
from tests.test_app_devices import Port, notified, ports, serial_app
from tests.test_app_materials import material_label
from tests.test_maintenance import breaks_down, change_state, order_row, state_of

__all__ = ["ports", "serial_app"]  # fixtures, used by name


async def open_maintenance(pilot: Pilot[None], app: KioskApp, rows: int) -> MaintenanceScreen:
    """The maintenance orders as a person reaches them from home (Ctrl+E, then F4), once
    they show their orders."""
    await pilot.press("ctrl+e")
    await wait_for(pilot, lambda: isinstance(app.screen, EquipmentScreen))
    await pilot.press("f4")
    await wait_for(pilot, lambda: isinstance(app.screen, MaintenanceScreen))
    screen = app.screen
    assert isinstance(screen, MaintenanceScreen)
    await wait_for(pilot, lambda: screen.query_one(MaintenanceOrderTable).row_count == rows)
    return screen


def text_of(widget: Static) -> str:
    return str(widget.render())


@pytest.mark.parametrize("size", [(120, 40), (40, 16)])
async def test_a_technician_takes_and_records_by_badge_and_the_operator_confirms(
    serial_app: KioskApp,
    services: Services,
    clock: FakeClock,
    ports: tuple[Port, Port],
    size: tuple[int, int],
) -> None:
    scanner, badge = ports
    app = serial_app
    order_id = breaks_down(services, clock, "SMT1-PNP")
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, lambda: notified(app, "Badge reader connected."))
        badge.send(b"E1003\r\n")  # Kevin Chen, operator, English
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        screen = await open_maintenance(pilot, app, rows=1)
        table = screen.query_one(MaintenanceOrderTable)
        assert len(table.columns) == (4 if size[0] < 90 else 7)  # a handheld's compact table
        assert "Take" in text_of(screen.query_one(KeyBar))
        assert "SMT1-PNP" in text_of(screen.query_one("#detail", Static))

        # Kevin may not take it: the technician's badge does, in his name.
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(app.screen, Approval))
        badge.send(b"E1011\r\n")
        await wait_for(pilot, lambda: order_row(services, order_id).status == "claimed")
        await wait_for(pilot, lambda: notified(app, "taken: the machine is in maintenance"))
        assert state_of(services, "SMT1-PNP") == ("maintenance", order_id)
        clock.advance(1500)  # the repair; the terminal was in use meanwhile (no idle sign-out)
        app.touch_idle()
        await wait_for(pilot, lambda: screen.check_action("repair", ()) is True)  # reloaded

        # The repair, recorded on the technician's badge, in his language (Chinese).
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, Approval))
        badge.send(b"E1011\r\n")
        await wait_for(pilot, lambda: isinstance(app.screen, RepairForm))
        assert isinstance(app.screen, RepairForm)
        form: RepairForm = app.screen
        await wait_for(
            pilot, lambda: "自领取起已计 25 分钟" in "".join(text_of(s) for s in form.query(Static))
        )
        await pilot.press("f2")  # nothing chosen yet: said so, nothing sent
        await wait_for(pilot, lambda: "F3" in text_of(form.query_one("#problem", Static)))
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoicePrompt))
        await pilot.press("7", "enter")  # WORN_PART, the 7th cause by code
        await pilot.press("f4")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoicePrompt))
        await pilot.press("4", "enter")  # PART_REPLACED
        await wait_for(pilot, lambda: app.screen is form and len(form.actions) == 1)
        scanner.send(material_label("BRG-6204", "L2611-0001", 2))
        await wait_for(pilot, lambda: form.parts == [PartLine("BRG-6204", 2.0, "L2611-0001")])
        scanner.send(b"]C0%%%\r")  # not a part's label: said so, the parts stay
        await wait_for(pilot, lambda: "物料标签" in text_of(form.query_one("#problem", Static)))
        fields = [form.query_one(f"#{name}", Input).region for name in ("labour", "note")]
        assert all(app.screen.region.contains_region(field) for field in fields)  # on a handheld
        await pilot.press(*"Y axis", "shift+tab")  # the note, then back to the labour
        await pilot.press(*"30")  # 30 minutes, not the 25 measured
        assert form.query_one("#labour", Input).value == "30"
        await pilot.press("f2")
        await wait_for(pilot, lambda: order_row(services, order_id).status == "done")

        # Kevin, who did not repair it, confirms the machine works again.
        clock.advance(120)
        app.touch_idle()
        await wait_for(
            pilot, lambda: screen.is_current and screen.check_action("confirm", ()) is True
        )
        await pilot.press("f4")
        await wait_for(pilot, lambda: notified(app, "closed after 27 min of downtime"))
        await wait_for(pilot, lambda: table.row_count == 0)
        assert text_of(screen.query_one("#detail", Static)) == "No maintenance order is open."

    row = order_row(services, order_id)
    assert (row.status, row.cause, row.actions, row.note) == (
        "closed",
        "WORN_PART",
        "PART_REPLACED",
        "Y axis",
    )
    assert state_of(services, "SMT1-PNP") == ("idle", order_id)
    kinds = [event.type for event in events_of(services, "maintenance.")]
    assert kinds == [
        "maintenance.opened",
        "maintenance.claimed",
        "maintenance.done",
        "maintenance.confirmed",
    ]
    done = json.loads(events_of(services, "maintenance.done")[0].payload)
    assert done["labour_seconds"] == 1800
    assert done["parts"] == [{"item_code": "BRG-6204", "qty": 2.0, "lot_no": "L2611-0001"}]
    confirmed = json.loads(events_of(services, "maintenance.confirmed")[0].payload)
    assert confirmed["downtime_seconds"] == 1620
    assert confirmed["confirmed_by"] == row.confirmed_by != row.done_by


async def test_the_technician_signed_in_asks_a_team_lead_to_confirm(
    serial_app: KioskApp, services: Services, clock: FakeClock, ports: tuple[Port, Port]
) -> None:
    _, badge = ports
    app = serial_app
    order_id = breaks_down(services, clock, "ASM1-SCREW")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: notified(app, "Badge reader connected."))
        badge.send(b"E1011\r\n")  # 吴军, maintenance: his home is the maintenance orders
        await wait_for(pilot, lambda: isinstance(app.screen, MaintenanceHome))
        screen = app.screen
        assert isinstance(screen, MaintenanceHome)
        await wait_for(pilot, lambda: screen.query_one(MaintenanceOrderTable).row_count == 1)
        await pilot.press("f2")  # his own badge signed him in: no second one asked
        await wait_for(pilot, lambda: order_row(services, order_id).status == "claimed")
        await wait_for(pilot, lambda: screen.check_action("repair", ()) is True)
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, RepairForm))
        await pilot.press("f6")  # a part typed: part, quantity, lot
        await wait_for(pilot, lambda: isinstance(app.screen, TextPrompt))
        await pilot.press(*"BIT-PH2 3", "enter")
        await pilot.press("f3", "1", "enter", "f4", "2", "enter", "f2")
        await wait_for(pilot, lambda: order_row(services, order_id).status == "done")
        await wait_for(pilot, lambda: screen.check_action("confirm", ()) is True)

        await pilot.press("f4")  # the technician may not confirm his own repair
        await wait_for(pilot, lambda: isinstance(app.screen, Approval))
        badge.send(b"E1009\r\n")  # 陈刚, team lead, with his PIN
        await wait_for(pilot, lambda: isinstance(app.screen, PinPrompt))
        await pilot.press(*"1357", "enter")
        await wait_for(pilot, lambda: order_row(services, order_id).status == "closed")

        await pilot.press("f10")  # on his home, F10 signs him out
        await wait_for(pilot, lambda: app.user is None and app.screen is app.login)
        assert len(app._notifications) == 0  # what he was told is not shown to the next one

    row = order_row(services, order_id)
    assert (row.cause, row.actions) == ("MACHINE_FAULT", "CLEANED")
    assert row.labour_seconds == 0  # no time passed on the fake clock
    done = json.loads(events_of(services, "maintenance.done")[0].payload)
    assert done["parts"] == [{"item_code": "BIT-PH2", "qty": 3.0, "lot_no": ""}]
    confirmed = events_of(services, "maintenance.confirmed")[0]
    assert confirmed.user_id == row.confirmed_by != row.claimed_by


async def test_a_refused_repair_record_comes_back_with_all_that_was_entered(
    serial_app: KioskApp, services: Services, clock: FakeClock, ports: tuple[Port, Port]
) -> None:
    scanner, badge = ports
    app = serial_app
    order_id = breaks_down(services, clock, "ASM1-SCREW")
    async with app.run_test(size=(40, 16)) as pilot:
        await wait_for(pilot, lambda: notified(app, "Badge reader connected."))
        badge.send(b"E1011\r\n")  # 吴军, maintenance, Chinese
        await wait_for(pilot, lambda: isinstance(app.screen, MaintenanceHome))
        home = app.screen
        await wait_for(pilot, lambda: home.query_one(MaintenanceOrderTable).row_count == 1)
        await pilot.press("f2")
        await wait_for(pilot, lambda: order_row(services, order_id).status == "claimed")
        await wait_for(pilot, lambda: home.check_action("repair", ()) is True)
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, RepairForm))
        form = app.screen
        assert isinstance(form, RepairForm)
        await pilot.press(*"belt slipped")
        scanner.send(material_label("BRG-6204", "L2611-0001", 2))
        await wait_for(pilot, lambda: len(form.parts) == 1)
        await pilot.press("f3", "1", "enter", "f4", "2", "enter")
        assert form.cause is not None and form.actions
        # Meanwhile the hub's lists change: the cause chosen is gone from them.
        with services.store.write() as session:
            gone = session.get(ReferenceRecord, ("reason_code", f"cause:{form.cause.code}"))
            assert gone is not None
            session.delete(gone)
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(app.screen, RepairForm) and app.screen is not form)
        again = app.screen
        assert isinstance(again, RepairForm)
        await wait_for(
            pilot,
            lambda: "原因不在工厂的原因清单中" in text_of(again.query_one("#problem", Static)),
        )
        assert again.cause is None  # to be chosen again, from the lists as they are now
        assert [a.code for a in again.actions] == [a.code for a in form.actions]
        assert again.parts == form.parts
        assert again.query_one("#note", Input).value == "belt slipped"
    assert order_row(services, order_id).status == "claimed"  # nothing recorded yet
    assert events_of(services, "maintenance.done") == []


@pytest.mark.parametrize("size", [(120, 40), (40, 16)])
async def test_the_nozzle_plan_falls_due_after_eight_running_hours_on_the_technicians_home(
    serial_app: KioskApp,
    services: Services,
    clock: FakeClock,
    ports: tuple[Port, Port],
    size: tuple[int, int],
) -> None:
    """The demo's PM-PNP-NOZZLE: clean the placement machine's nozzles every 8 run hours."""
    _, badge = ports
    app = serial_app
    change_state(services, clock, "SMT1-PNP", "running")
    clock.advance(5 * 3600)
    change_state(services, clock, "SMT1-PNP", "idle")
    clock.advance(4 * 3600)  # idle is not running: 5 hours so far
    change_state(services, clock, "SMT1-PNP", "running")
    clock.advance(3.5 * 3600)  # 8.5 running hours
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, lambda: notified(app, "Badge reader connected."))
        badge.send(b"E1011\r\n")  # 吴军, maintenance, Chinese
        await wait_for(pilot, lambda: isinstance(app.screen, MaintenanceHome))
        home = app.screen
        await wait_for(pilot, lambda: notified(app, "已生成 1 个到期的预防维护工单"))
        table = home.query_one(MaintenanceOrderTable)
        await wait_for(pilot, lambda: table.row_count == 1)
        assert "吸嘴清洁" in str(home.query_one("#detail", Static).render())
        await pilot.press("f5")  # looked at again: not opened twice
        await pilot.pause(0.3)
        assert table.row_count == 1
    [opened] = [json.loads(e.payload) for e in events_of(services, "maintenance.opened")]
    assert (opened["kind"], opened["plan"], opened["equipment"]) == (
        "preventive",
        "PM-PNP-NOZZLE",
        "SMT1-PNP",
    )
