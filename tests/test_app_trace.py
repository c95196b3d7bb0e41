"""Traceability through the real app: SNs and lot labels from the scanner's pseudo-terminal."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Label, Tree
from textual.widgets.tree import TreeNode

from kiosk.app import KioskApp
from kiosk.config import Language
from kiosk.demo_data import demo_serial
from kiosk.i18n import Translator
from kiosk.services import Services
from kiosk.trace_values import BuiltUnit, LotLoad, LotTrace, SerialTrace, UnitStep
from screens.home import HomeScreen
from screens.text_prompt import TextPrompt
from screens.trace import TraceScreen
from screens.widgets.trace_tree import More, TraceTree
from tests.conftest import TODAY
from tests.test_app import wait_for
from tests.test_app_devices import Port, notified, ports, serial_app
from tests.test_app_materials import material_label
from tests.test_traceability import bind, load, minutes, operation, pcb_lots

__all__ = ["ports", "serial_app"]  # fixtures, used by name


def labels(tree: TraceTree) -> list[str]:
    """Every line of the tree, in order, as plain text."""
    found: list[str] = []

    def walk(node: TreeNode[More | None]) -> None:
        found.append(str(node.label))
        for child in node.children:
            walk(child)

    walk(tree.root)
    return found


def measured_as_drawn(tree: TraceTree) -> bool:
    """Whether the tree's own measure of each line (kept for its leaves) is Textual's."""
    nodes = [tree.root]
    for node in nodes:
        nodes += node.children
    return all(tree.get_label_width(node) == Tree.get_label_width(tree, node) for node in nodes)


def on_glass(tree: TraceTree) -> list[str]:
    """The lines of the tree as drawn in its window."""
    return [tree.render_line(y).text.rstrip() for y in range(tree.size.height)]


def status(screen: TraceScreen) -> str:
    return str(screen.query_one("#trace-status", Label).render())


@pytest.mark.parametrize(
    ("size", "badge", "language"),
    [((120, 40), b"E1003", Language.EN), ((40, 16), b"E1001", Language.ZH_CN)],
)
async def test_scans_trace_a_unit_and_a_lot_both_ways(
    serial_app: KioskApp,
    services: Services,
    ports: tuple[Port, Port],
    size: tuple[int, int],
    badge: bytes,
    language: Language,
) -> None:
    scanner, badge_reader = ports
    app = serial_app
    bells: list[None] = []
    app.bell = lambda: bells.append(None)  # type: ignore[method-assign]
    tr = Translator(language)
    compact = size[0] < 60

    def when(moment: datetime) -> str:
        return moment.astimezone().strftime("%m-%d %H:%M" if compact else "%Y-%m-%d %H:%M")

    pcb = pcb_lots(services)[-1]
    first, second = operation(services, 46, 10), operation(services, 42, 10)
    load(services, pcb, first, minutes(1))
    load(services, pcb, second, minutes(2))
    bind(services, "SN00460001", operation(services, 46, 20), minutes(30), equipment="SMT1-REFLOW")
    for n in range(2, 13):
        bind(services, f"SN004600{n:02d}", operation(services, 46, 20), minutes(29 + n))
    bind(services, "SN00420001", second, minutes(20))

    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, lambda: notified(app, "Badge reader connected."))
        await wait_for(pilot, lambda: notified(app, "Scanner connected."))
        badge_reader.send(badge + b"\r\n")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        home = app.screen
        assert app.services is not None and app.user is not None
        trace = TraceScreen(
            tr, "ST-ASM-01", app.clock, app.user, app.services.trace, app.config.barcodes
        )
        app.push_screen(trace)
        await wait_for(pilot, lambda: app.screen is trace and bool(trace.query(TraceTree)))
        tree = trace.query_one(TraceTree)
        assert status(trace) == tr("trace.hint")

        # A unit: the placement it went through before its SN was scanned, then the scan.
        scanner.send(b"SN00460001\r")
        found = tr("trace.serial_found", sn="SN00460001", count=2)
        await wait_for(pilot, lambda: status(trace) == found)
        lines = labels(tree)
        assert lines[0] == tr("trace.root_serial", sn="SN00460001", item="FG-MC200")
        assert any(line.startswith(f"{pcb} PCB-MC200-C") for line in lines)
        assert tr("trace.operator", name="李强", employee_no="208127") in lines
        assert tr("trace.scanned", time=when(minutes(30))) in lines
        assert tr("trace.not_scanned") in lines
        assert tr("trace.equipment", equipment="SMT1-REFLOW") in lines
        assert lines[0] in on_glass(tree)[0]
        assert bells == []

        # The lot, from its GS1 label: every unit built from it, in both work orders.
        scanner.send(material_label("PCB-MC200-C", pcb, 500))
        found = tr("trace.lot_found", lot=pcb, count=13)
        await wait_for(pilot, lambda: status(trace) == found)
        lines = labels(tree)
        assert lines[0] == tr("trace.root_lot", lot=pcb, item="PCB-MC200-C")
        units = [
            ("SN00460001", 20, minutes(30)),
            ("SN00460012", 20, minutes(41)),
            ("SN00420001", 10, minutes(20)),
        ]
        for sn, seq, moment in units:
            line = (
                f"{sn}  {when(moment)}"
                if compact
                else tr("trace.unit", sn=sn, seq=seq, time=when(moment))
            )
            assert line in lines
        assert any("WO-2611-0046 · 10" in line for line in lines)
        assert any("WO-2611-0042 · 10" in line for line in lines)

        # Read with keys: End goes to the last unit, Home back to the lot.
        await pilot.press("end")
        await wait_for(pilot, lambda: tree.cursor_node is not None)
        assert tree.cursor_node is not None
        assert str(tree.cursor_node.label).startswith("SN00420001")
        assert tree.cursor_line == len(lines) - 1
        if compact:
            assert tree.scroll_y > 0  # a handheld cannot show it all at once
        assert any(line.lstrip("│├└─ ").startswith("SN00420001") for line in on_glass(tree))
        await pilot.press("home")
        await wait_for(pilot, lambda: tree.cursor_line == 0 and tree.scroll_y == 0)

        # An SN nobody here has scanned: said so with the bell; the lot stays on screen.
        scanner.send(b"SN99999999\r")
        miss = tr("trace.miss.unknown_serial", subject="SN99999999")
        await wait_for(pilot, lambda: status(trace) == miss)
        assert trace.query_one("#trace-status").has_class("-miss")
        assert bells == [None]
        assert labels(tree)[0] == tr("trace.root_lot", lot=pcb, item="PCB-MC200-C")

        # A badge is not something to trace.
        badge_reader.send(b"E1002\r\n")
        await wait_for(pilot, lambda: status(trace) == tr("trace.miss.not_traceable"))
        assert len(bells) == 2

        # F2: typed, a serial number known here.
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(app.screen, TextPrompt))
        await pilot.press(*"SN00420001", "enter")
        found = tr("trace.serial_found", sn="SN00420001", count=1)
        await wait_for(pilot, lambda: status(trace) == found)
        assert not trace.query_one("#trace-status").has_class("-miss")

        await pilot.press("f10")
        await wait_for(pilot, lambda: app.screen is home)


async def test_home_opens_the_trace_by_key_and_by_command_sheet(
    serial_app: KioskApp, services: Services, ports: tuple[Port, Port]
) -> None:
    scanner, badge_reader = ports
    app = serial_app
    board = demo_serial(TODAY, 31, 3)  # a board of the demo's finished SMT work
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: notified(app, "Badge reader connected."))
        badge_reader.send(b"E1003\r\n")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        home = app.screen
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: isinstance(app.screen, TraceScreen))
        screen = app.screen
        assert isinstance(screen, TraceScreen)
        scanner.send(board.encode() + b"\r")
        tree = screen.query_one(TraceTree)
        await wait_for(pilot, lambda: any(board in line for line in labels(tree)))
        lines = "\n".join(labels(tree))
        assert "Reflow & AOI" in lines and "SMT1-REFLOW" in lines
        assert "PCB-GW310-B" in lines  # loaded at placement, before the board had its SN
        await pilot.press("f10")
        await wait_for(pilot, lambda: app.screen is home)

        scanner.send(b"#K:TRACE\r")
        await wait_for(pilot, lambda: isinstance(app.screen, TraceScreen))


class TreeApp(App[None]):
    """The trace tree alone, to show values made by hand."""

    def __init__(self, tr: Translator) -> None:
        super().__init__()
        self._tr = tr

    def compose(self) -> ComposeResult:
        yield TraceTree(self._tr)


def lot_of_units(units: tuple[BuiltUnit, ...]) -> LotTrace:
    load = LotLoad("WO-2611-0046", 10, "SMT placement 贴片", "WC-SMT", 0, minutes(0), units)
    serials = tuple(unit.sn for unit in units)
    return LotTrace("L2611-0001", "PCB-MC200-C", "", "", "released", None, (load,), (), serials)


async def test_a_large_lot_shows_its_units_a_hundred_at_a_time() -> None:
    tr = Translator(Language.EN)
    units = tuple(BuiltUnit(f"SN{n:08d}", 20, minutes(n), False) for n in range(250))
    app = TreeApp(tr)
    async with app.run_test(size=(120, 40)) as pilot:
        tree = app.query_one(TraceTree)
        tree.focus()
        tree.show(lot_of_units(units))

        def shown() -> list[str]:
            return [line.split(" ")[0] for line in labels(tree) if line.startswith("SN")]

        assert shown() == [unit.sn for unit in units[:100]]
        assert labels(tree)[-1] == tr("trace.more", count=150, next=100)
        await pilot.pause()
        assert measured_as_drawn(tree)

        # Enter on the "more" line: the next hundred, the cursor on the first of them.
        await pilot.press("end")
        await wait_for(pilot, lambda: tree.cursor_node is not None)
        line = tree.cursor_line
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(shown()) == 200)
        assert shown() == [unit.sn for unit in units[:200]]
        assert labels(tree)[-1] == tr("trace.more", count=50, next=50)
        assert tree.cursor_line == line
        assert tree.cursor_node is not None
        assert str(tree.cursor_node.label).startswith("SN00000100 ")
        assert measured_as_drawn(tree)  # the "more" line, now a unit, measured again

        await pilot.press("end", "enter")
        await wait_for(pilot, lambda: len(shown()) == 250)
        assert shown() == [unit.sn for unit in units]  # the last: no "more" line
        await pilot.press("enter")  # on a unit: nothing more to add
        await pilot.pause()
        assert shown() == [unit.sn for unit in units]


@pytest.mark.parametrize("language", list(Language))
async def test_a_scrapped_unit_is_marked_scrapped_both_ways(language: Language) -> None:
    tr = Translator(language)
    step = UnitStep(
        work_order="WO-2611-0046",
        item_code="FG-MC200",
        item_description="",
        seq=30,
        operation="ICT 在线测试",
        work_center="WC-TEST",
        bound_at=minutes(20),
        scrapped=True,
        operator="",
        employee_no="",
        equipment="",
        lots=(),
        started_at=None,
        finished_at=None,
    )
    scrapped = BuiltUnit("SN00460001", 20, minutes(10), True)
    good = BuiltUnit("SN00460002", 20, minutes(11), False)
    app = TreeApp(tr)
    async with app.run_test(size=(120, 40)):
        tree = app.query_one(TraceTree)
        mark = tr("trace.scrapped")

        tree.show(SerialTrace("SN00460001", (step, replace(step, seq=40, scrapped=False))))
        operations = [line for line in labels(tree) if line.startswith(("30 ", "40 "))]
        assert [mark in line for line in operations] == [True, False]

        tree.show(lot_of_units((scrapped, good)))
        units = [line for line in labels(tree) if line.startswith("SN")]
        assert [mark in line for line in units] == [True, False]
