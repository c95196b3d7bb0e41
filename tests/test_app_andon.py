"""Exceptions (andon) through the real app: raised in two keys and by one command barcode from
the pty scanner, escalated when nobody answers, acknowledged and resolved by a team lead's
badge and PIN on the line's board."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable, Input, OptionList, Static

from kiosk.andon_values import Category, RaiseRequest
from kiosk.app import KioskApp
from kiosk.config import load_config
from kiosk.services import Services
from kiosk.store.models import Andon, MaintenanceOrder
from screens.andon_board import AndonBoardScreen
from screens.andon_raise import AndonRaise
from screens.approval import Approval
from screens.choice_prompt import ChoicePrompt
from screens.home import HomeScreen
from screens.pin_prompt import PinPrompt
from screens.text_prompt import TextPrompt
from screens.widgets.andon_strip import AndonStrip
from screens.widgets.andon_table import AndonTable
from tests.conftest import write_config
from tests.fakes import FakeClock
from tests.test_app import events_of, wait_for
from tests.test_app_devices import Port, notified, ports
from tests.test_materials import smt_task

__all__ = ["ports"]  # a fixture, used by name


@pytest.fixture
def andon_app(
    tmp_path: Path, clock: FakeClock, services: Services, ports: tuple[Port, Port]
) -> KioskApp:
    """The station with pty scanner and badge reader; it looks for late exceptions often,
    and nobody is signed out while the test moves the clock by minutes."""
    scanner, badge = ports
    path = write_config(tmp_path, idle_logout_seconds="86400")
    path.write_text(
        path.read_text(encoding="utf-8")
        + f'\n[devices.scanner]\nkind = "serial"\nport = "{scanner.link}"\n'
        + f'\n[devices.badge_reader]\nkind = "serial"\nport = "{badge.link}"\n'
        + 'suffix = "crlf"\nbadge_format = "text"\n',
        encoding="utf-8",
    )
    config = load_config(path)
    return KioskApp(config, clock, lambda: services, tick_seconds=0.05, andon_seconds=0.05)


def strip_text(home: Screen[Any]) -> str:
    strip = home.query_one(AndonStrip)
    return str(strip.render()) if strip.display else ""


def equipment_line(app: KioskApp) -> str:
    return str(app.screen.query_one("#andon-equipment", Static).render())


def rows(services: Services) -> dict[str, Andon]:
    with services.store.read() as session:
        return {row.category: row for row in session.exec(select(Andon)).all()}


async def team_lead(pilot: Pilot[None], app: KioskApp, badge: Port) -> None:
    """Daniel Lee's badge on the reader, then his PIN."""
    await wait_for(pilot, lambda: isinstance(app.screen, Approval))
    badge.send(b"E1010\r\n")
    await wait_for(pilot, lambda: isinstance(app.screen, PinPrompt))
    await pilot.press(*"8642", "enter")


@pytest.mark.parametrize("size", [(120, 40), (40, 16)])
async def test_raised_by_keys_and_by_a_command_escalated_acknowledged_and_resolved(
    andon_app: KioskApp,
    services: Services,
    clock: FakeClock,
    ports: tuple[Port, Port],
    size: tuple[int, int],
) -> None:
    scanner, badge = ports
    app = andon_app
    bells: list[None] = []
    app.bell = lambda: bells.append(None)  # type: ignore[method-assign]
    task = smt_task(services)
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, lambda: notified(app, "Badge reader connected."))
        badge.send(b"E1003\r\n")  # Kevin Chen, operator, English
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        home = app.screen
        assert isinstance(home, HomeScreen)
        await wait_for(pilot, lambda: home.query_one(DataTable).row_count > 0)
        table = home.query_one(DataTable)
        table.move_cursor(row=table.get_row_index(task.operation_id))
        assert strip_text(home) == ""  # nothing open: the line is not there at all

        # Two keys: Ctrl+A, then the category's digit.
        await pilot.press("ctrl+a")
        await wait_for(pilot, lambda: isinstance(app.screen, AndonRaise))
        await pilot.press("1")
        await wait_for(pilot, lambda: notified(app, "raised: Material (medium)"))
        assert app.screen is home

        # Severity and a note first: digits typed in the note do not raise anything.
        await pilot.press("ctrl+a")
        await wait_for(pilot, lambda: isinstance(app.screen, AndonRaise))
        modal = app.screen
        where = modal.query_one("#andon-where", Static)
        await wait_for(pilot, lambda: "WC-SMT" in str(where.render()))
        categories = modal.query_one(OptionList)
        assert categories.region.bottom <= size[1]  # all five fit, even on a handheld
        await pilot.press("f4", "f3", "tab", *"jam 2", "enter")
        assert app.screen is modal
        assert modal.query_one(Input).value == "jam 2"
        await pilot.press("2")
        await wait_for(pilot, lambda: notified(app, "raised: Equipment (high)"))

        # One command barcode from the scanner raises one at once.
        scanner.send(b"]C0#K:ANDON_SAFETY\r")
        await wait_for(pilot, lambda: notified(app, "raised: Safety (medium)"))
        scanner.send(b"]C0#K:ANDON_SAFETY\r")  # the same sheet read again at once
        await wait_for(pilot, lambda: notified(app, "just scanned: not raised twice"))
        await wait_for(pilot, lambda: strip_text(home).startswith("⚠ 3 open exceptions"))
        assert strip_text(home) == "⚠ 3 open exceptions · highest level 0"
        assert home.query_one(DataTable).region.height >= 3  # the tasks stay in view
        assert bells == []

        raised = rows(services)
        equipment = raised["equipment"]
        assert (equipment.severity, equipment.note, equipment.equipment) == (
            "high",
            "jam 2",
            "SMT1-PNP",
        )
        assert equipment.work_center == "WC-SMT"
        assert equipment.operation_id == task.operation_id == raised["safety"].operation_id
        assert raised["material"].severity == "medium"

        # Five minutes and nobody answered: each escalates to level 1, and the bell rings.
        clock.advance(5 * 60)
        await wait_for(pilot, lambda: len(events_of(services, "exception.escalated")) == 3)
        await wait_for(pilot, lambda: notified(app, "escalated to level 1"))
        assert bells

        # The board: every open exception of the line, the equipment one acknowledged.
        await pilot.press("ctrl+x")
        await wait_for(pilot, lambda: isinstance(app.screen, AndonBoardScreen))
        board = app.screen
        board_table = board.query_one(AndonTable)
        await wait_for(pilot, lambda: board_table.row_count == 3)
        board_table.move_cursor(row=board_table.get_row_index(equipment.id))
        await pilot.press("f2")
        await team_lead(pilot, app, badge)
        await wait_for(pilot, lambda: notified(app, "acknowledged after 0:05:00"))
        assert app.screen is board

        # Two minutes later it is resolved: cause, action, note.
        clock.advance(120)
        await wait_for(pilot, lambda: board_table.get_row_index(equipment.id) >= 0)
        board_table.move_cursor(row=board_table.get_row_index(equipment.id))
        await pilot.press("f3")
        await team_lead(pilot, app, badge)
        causes = [c.code for c in services.andon.causes("en")]
        actions = [a.code for a in services.andon.actions("en")]
        await wait_for(pilot, lambda: isinstance(app.screen, ChoicePrompt))
        await pilot.press(str(causes.index("MACHINE_FAULT") + 1), "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoicePrompt))
        await pilot.press(str(actions.index("REPAIRED") + 1), "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TextPrompt))
        await pilot.press(*"ok 1", "enter")
        await wait_for(pilot, lambda: notified(app, "resolved after 0:07:00"))
        await wait_for(pilot, lambda: board_table.row_count == 2)

        await pilot.press("f10")
        await wait_for(pilot, lambda: app.screen is home)
        await wait_for(pilot, lambda: strip_text(home).startswith("⚠ 2 open"))
        assert strip_text(home) == "⚠ 2 open exceptions · highest level 1"

    [acknowledged] = events_of(services, "exception.acknowledged")
    [resolved] = events_of(services, "exception.resolved")
    daniel = acknowledged.user_id
    assert json.loads(acknowledged.payload) == {"exception_id": equipment.id, "seconds": 300.0}
    assert json.loads(resolved.payload) == {
        "exception_id": equipment.id,
        "cause": "MACHINE_FAULT",
        "action": "REPAIRED",
        "note": "ok 1",
        "seconds": 420.0,
    }
    assert resolved.user_id == daniel != equipment.raised_by
    row = rows(services)["equipment"]
    assert (row.ack_seconds, row.resolve_seconds, row.level) == (300.0, 420.0, 1)
    assert [json.loads(e.payload)["level"] for e in events_of(services, "exception.escalated")] == [
        1,
        1,
        1,
    ]


async def test_the_one_machine_of_a_work_center_is_named_only_for_an_equipment_problem(
    andon_app: KioskApp, services: Services, ports: tuple[Port, Port]
) -> None:
    _, badge = ports
    app = andon_app
    assembly = next(t for t in services.tasks.open_tasks() if t.work_center == "WC-ASM")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: notified(app, "Badge reader connected."))
        badge.send(b"E1003\r\n")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        home = app.screen
        await wait_for(pilot, lambda: home.query_one(DataTable).row_count > 0)
        table = home.query_one(DataTable)
        table.move_cursor(row=table.get_row_index(assembly.operation_id))

        for digit in ("2", "3"):
            await pilot.press("ctrl+a")
            await wait_for(pilot, lambda: isinstance(app.screen, AndonRaise))
            await wait_for(pilot, lambda: "ASM1-SCREW" in equipment_line(app))
            await pilot.press(digit)
            await wait_for(pilot, lambda: app.screen is home)
        await pilot.press("ctrl+a")  # and Esc raises nothing
        await wait_for(pilot, lambda: isinstance(app.screen, AndonRaise))
        await pilot.press("escape")
        await wait_for(pilot, lambda: len(rows(services)) == 2)
        await wait_for(pilot, lambda: strip_text(home).startswith("⚠ 2 open"))
    raised = rows(services)
    assert (raised["equipment"].equipment, raised["equipment"].work_center) == (
        "ASM1-SCREW",
        "WC-ASM",
    )
    assert (raised["quality"].equipment, raised["quality"].work_center) == ("", "WC-ASM")
    assert len(events_of(services, "exception.raised")) == 2


async def test_an_equipment_exception_opens_one_maintenance_order_from_the_board(
    andon_app: KioskApp, services: Services
) -> None:
    app = andon_app
    kevin = services.auth.badge("E1003").user
    assert kevin is not None
    task = smt_task(services)
    services.andon.raise_exception(
        RaiseRequest(Category.EQUIPMENT, note="feeder 12 jams", equipment="SMT1-PNP"), kevin
    )
    services.andon.raise_exception(
        RaiseRequest(Category.MATERIAL, operation_id=task.operation_id), kevin
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.services is not None)
        await pilot.press(*"E1003", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        await pilot.press("ctrl+x")
        await wait_for(pilot, lambda: isinstance(app.screen, AndonBoardScreen))
        table = app.screen.query_one(AndonTable)
        await wait_for(pilot, lambda: table.row_count == 2)

        def choose(category: Category) -> None:
            row = rows(services)[category.value]
            table.move_cursor(row=table.get_row_index(row.id))

        choose(Category.MATERIAL)
        await pilot.press("f4")  # no machine named: nothing to repair
        await wait_for(pilot, lambda: notified(app, "Only an equipment exception"))
        choose(Category.EQUIPMENT)
        await pilot.press("f4")
        await wait_for(pilot, lambda: notified(app, "for SMT1-PNP is open"))
        await pilot.press("f4")  # pressed again: the same order, not a second one

        def told_twice() -> bool:
            return sum("for SMT1-PNP is open" in str(n.message) for n in app._notifications) == 2

        await wait_for(pilot, told_twice)

    with services.store.read() as session:
        orders = session.exec(select(MaintenanceOrder)).all()
    assert [(o.kind, o.equipment, o.exception_id) for o in orders] == [
        ("corrective", "SMT1-PNP", rows(services)["equipment"].id)
    ]
    assert len(events_of(services, "maintenance.opened")) == 1
