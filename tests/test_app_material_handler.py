"""The material handler's station through the real app: badge, lot and box labels from
pseudo-terminal devices; pick, deliver and receive, each verdict on the big banner."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select
from textual.widgets import Static

from kiosk.app import KioskApp
from kiosk.services import Services
from kiosk.store.models import Andon, WorkOrder
from kiosk.work import LotStatus, WorkOrderStatus
from screens.andon_raise import AndonRaise
from screens.material_handler import MaterialHandlerScreen
from screens.widgets.handling_banner import HandlingBanner
from screens.widgets.handling_mode import ModeLine
from screens.widgets.handling_orders import OrderTable
from screens.widgets.handling_pick_list import HandlingPickTable
from tests.conftest import TODAY
from tests.test_app import events_of, wait_for
from tests.test_app_devices import Port, notified, ports, serial_app
from tests.test_app_materials import material_label
from tests.test_materials import lot_of

__all__ = ["ports", "serial_app"]  # fixtures, used by name


def banner(screen: MaterialHandlerScreen) -> tuple[str, str]:
    widget = screen.query_one(HandlingBanner)
    word = str(widget.query_one("#verdict", Static).render())
    return word.replace(" ", ""), str(widget.query_one("#why", Static).render())


def mode(screen: MaterialHandlerScreen) -> str:
    return str(screen.query_one(ModeLine).render())


def number(serial: int) -> str:
    return f"WO-{TODAY:%y%m}-{serial:04d}"


@pytest.mark.parametrize("size", [(120, 40), (40, 16)])
async def test_a_material_handler_picks_delivers_and_receives_by_scanning(
    serial_app: KioskApp, services: Services, ports: tuple[Port, Port], size: tuple[int, int]
) -> None:
    scanner, badge = ports
    app = serial_app
    bells: list[None] = []
    app.bell = lambda: bells.append(None)  # type: ignore[method-assign]
    orders = {o.number: o for o in services.handling.work_orders()}
    pcb, held = lot_of(services, "PCB-MC200-C"), lot_of(services, "IC-STM32F407", LotStatus.ON_HOLD)
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, lambda: notified(app, "Badge reader connected."))
        badge.send(b"E1007\r\n")  # Lisa Wang, material handler, English
        await wait_for(pilot, lambda: isinstance(app.screen, MaterialHandlerScreen))
        screen = app.screen
        assert isinstance(screen, MaterialHandlerScreen)
        table = screen.query_one(OrderTable)
        await wait_for(pilot, lambda: table.row_count == len(orders))
        # 1,000 boards need more solder paste than is in stock: the order says so.
        assert "SHORT" in str(table.get_cell(orders[number(42)].work_order_id, "short"))

        table.move_cursor(row=table.get_row_index(orders[number(46)].work_order_id))
        await wait_for(pilot, lambda: mode(screen) == f"PICK for {number(46)}")
        pick_list = screen.query_one(HandlingPickTable)
        await wait_for(pilot, lambda: pick_list.row_count == 7)  # read for that order

        scanner.send(material_label("PCB-MC200-C", pcb, 500))
        await wait_for(pilot, lambda: banner(screen)[0] == "OK")
        assert f"Lot {pcb} (PCB-MC200-C) qty 500 picked for {number(46)}." in banner(screen)[1]
        assert str(pick_list.get_cell("PCB-MC200-C", "picked")) == "500"
        assert bells == []

        scanner.send(material_label("IC-STM32F407", held, 80))
        await wait_for(pilot, lambda: banner(screen)[0] == "LOTONHOLD")
        assert "do not use it" in banner(screen)[1]
        assert len(bells) == 1

        await pilot.press("f3")
        assert mode(screen) == "DELIVER to this line"
        assert banner(screen)[0] == "Scaneachlotlabeldeliveredtothisline"
        scanner.send(material_label("PCB-MC200-C", pcb, 500))
        await wait_for(pilot, lambda: banner(screen)[0] == "OK")
        assert "delivered to WC-SMT" in banner(screen)[1]
        await wait_for(pilot, lambda: str(pick_list.get_cell("PCB-MC200-C", "picked")) == "500")

        await pilot.press("f4")
        assert mode(screen) == "RECEIVE finished goods"
        scanner.send(b"]C1240FG-MC200\x1d10B2611-0046-01\x1d3050\r")
        await wait_for(pilot, lambda: banner(screen)[0] == "RECEIVED")
        assert "50 × FG-MC200, lot B2611-0046-01" in banner(screen)[1]
        assert len(bells) == 1

        await pilot.press("f10")
        await wait_for(pilot, lambda: app.screen is app.login)
        await wait_for(pilot, lambda: len(events_of(services, "auth.logout")) == 1)
    [picked] = events_of(services, "material.picked")
    assert json.loads(picked.payload)["lot_no"] == pcb
    [delivered] = events_of(services, "material.delivered")
    assert json.loads(delivered.payload)["work_center"] == "WC-SMT"
    [received] = events_of(services, "goods.received")
    assert json.loads(received.payload)["qty"] == 50


async def test_with_no_order_to_pick_for_a_pick_is_refused_and_loses_nothing(
    serial_app: KioskApp, services: Services, ports: tuple[Port, Port]
) -> None:
    scanner, badge = ports
    app = serial_app
    bells: list[None] = []
    app.bell = lambda: bells.append(None)  # type: ignore[method-assign]
    with services.store.write() as session:
        for row in session.exec(select(WorkOrder)).all():
            row.status = WorkOrderStatus.CLOSED
            session.add(row)
    async with app.run_test(size=(40, 16)) as pilot:
        await wait_for(pilot, lambda: notified(app, "Badge reader connected."))
        badge.send(b"E1007\r\n")
        await wait_for(pilot, lambda: notified(app, "No released work orders here."))
        assert isinstance(app.screen, MaterialHandlerScreen)
        scanner.send(material_label("PCB-MC200-C", lot_of(services, "PCB-MC200-C"), 5))
        await wait_for(pilot, lambda: notified(app, "Select a work order"))
        assert bells == [None]
        badge.send(b"E1003\r\n")  # somebody else's badge: Lisa stays signed in
        await wait_for(pilot, lambda: notified(app, "Lisa Wang is signed in; sign out first."))
        scanner.send(b"]C0#K:LOGOUT\r")  # the command sheet signs out here too
        await wait_for(pilot, lambda: app.screen is app.login)
    assert events_of(services, "material.picked") == []


async def test_in_chinese_a_refused_delivery_rings_and_every_reason_is_chinese(
    serial_app: KioskApp, services: Services, ports: tuple[Port, Port]
) -> None:
    scanner, badge = ports
    app = serial_app
    bells: list[None] = []
    app.bell = lambda: bells.append(None)  # type: ignore[method-assign]
    orders = {o.number: o for o in services.handling.work_orders()}
    pcb = lot_of(services, "PCB-MC200-C")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: notified(app, "Badge reader connected."))
        badge.send(b"E1006\r\n")  # 赵磊, material handler, Chinese
        await wait_for(pilot, lambda: isinstance(app.screen, MaterialHandlerScreen))
        screen = app.screen
        assert isinstance(screen, MaterialHandlerScreen)
        table = screen.query_one(OrderTable)
        await wait_for(pilot, lambda: table.row_count == len(orders))
        table.move_cursor(row=table.get_row_index(orders[number(46)].work_order_id))
        await wait_for(pilot, lambda: mode(screen) == f"配料 {number(46)}")
        scanner.send(material_label("PCB-MC200-C", pcb, 500))
        await wait_for(pilot, lambda: banner(screen)[0] == "正确OK")

        await pilot.press("f3")  # the picked lot's number on a label of another part
        scanner.send(material_label("PCB-GW310-B", pcb, 500))
        await wait_for(pilot, lambda: banner(screen)[0] == "物料错误")
        assert banner(screen)[1] == f"标签料号 PCB-GW310-B，批次 {pcb} 实为 PCB-MC200-C。请隔离。"
        assert len(bells) == 1

        await pilot.press("f4")
        scanner.send(b"]C110B2\x1d305\r")  # a box label without its part
        await wait_for(pilot, lambda: banner(screen)[0] == "标签错误")
        assert banner(screen)[1] == "无法读取此标签：标签上没有料号"
        assert len(bells) == 2
    assert events_of(services, "material.delivered") == []


async def test_a_material_handler_raises_a_material_exception_by_keys_and_by_sheet(
    serial_app: KioskApp, services: Services, ports: tuple[Port, Port]
) -> None:
    scanner, badge = ports
    app = serial_app
    async with app.run_test(size=(40, 16)) as pilot:
        await wait_for(pilot, lambda: notified(app, "Badge reader connected."))
        badge.send(b"E1007\r\n")  # Lisa Wang, material handler, English
        await wait_for(pilot, lambda: isinstance(app.screen, MaterialHandlerScreen))
        await pilot.press("ctrl+a")
        await wait_for(pilot, lambda: isinstance(app.screen, AndonRaise))
        await pilot.press("1")  # material
        await wait_for(pilot, lambda: notified(app, "raised: Material (medium)"))
        scanner.send(b"]C0#K:ANDON_SAFETY\r")
        await wait_for(pilot, lambda: notified(app, "raised: Safety (medium)"))
    with services.store.read() as session:
        raised = session.exec(select(Andon)).all()
    assert sorted(row.category for row in raised) == ["material", "safety"]
    assert {row.work_center for row in raised} == {"WC-SMT"}  # the station's first
    assert len(events_of(services, "exception.raised")) == 2
