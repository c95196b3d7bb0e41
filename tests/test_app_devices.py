"""Serial badge reader and scanner, through real pseudo-terminals, into the real app."""

from __future__ import annotations

import json
import os
import pty
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual import events
from textual.widgets import DataTable, Input

from kiosk.app import KioskApp
from kiosk.config import load_config
from kiosk.services import Services
from screens.home import HomeScreen
from screens.pin_prompt import PinPrompt
from tests.fakes import FakeClock
from tests.test_app import events_of, login_message, wait_for


class Port:
    """A serial device as the station sees it: a by-id link to a pseudo-terminal."""

    def __init__(self, link: Path) -> None:
        self.master, self.slave = pty.openpty()
        self.link = link
        link.parent.mkdir(exist_ok=True)
        link.symlink_to(os.ttyname(self.slave))

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def unplug(self) -> None:
        self.link.unlink()
        os.close(self.master)
        os.close(self.slave)


@pytest.fixture
def ports(tmp_path: Path) -> Iterator[tuple[Port, Port]]:
    scanner = Port(tmp_path / "by-id" / "usb-scanner")
    badge = Port(tmp_path / "by-id" / "usb-badge")
    yield scanner, badge
    for port in (scanner, badge):
        if port.link.exists():
            port.unplug()


@pytest.fixture
def serial_app(
    tmp_path: Path, clock: FakeClock, services: Services, ports: tuple[Port, Port]
) -> KioskApp:
    scanner, badge = ports
    path = tmp_path / "kiosk.toml"
    path.write_text(
        path.read_text(encoding="utf-8")
        + f'\n[devices.scanner]\nkind = "serial"\nport = "{scanner.link}"\n'
        + f'\n[devices.badge_reader]\nkind = "serial"\nport = "{badge.link}"\n'
        + 'suffix = "crlf"\nbadge_format = "text"\n',
        encoding="utf-8",
    )
    return KioskApp(load_config(path), clock, lambda: services, tick_seconds=0.05)


def notified(app: KioskApp, text: str) -> bool:
    return any(text in str(n.message) for n in app._notifications)


async def test_badge_card_signs_in_and_a_command_sheet_signs_out(
    serial_app: KioskApp, services: Services, ports: tuple[Port, Port]
) -> None:
    scanner, badge = ports
    app = serial_app
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: app.services is not None)
        await wait_for(
            pilot, lambda: sum("connected." in str(n.message) for n in app._notifications) == 2
        )
        badge.send(b"e1001\r\n")  # a barcode badge, read in lower case
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        assert app.user is not None and app.user.name == "张丽"
        scanner.send(b"]C0#K:LOGOUT\r")
        await wait_for(pilot, lambda: app.screen is app.login)
        await wait_for(pilot, lambda: len(events_of(services, "auth.logout")) == 1)
        assert json.loads(events_of(services, "auth.logout")[0].payload)["reason"] == "manual"


async def test_a_product_barcode_at_login_asks_for_the_badge(
    serial_app: KioskApp, ports: tuple[Port, Port]
) -> None:
    scanner, _ = ports
    app = serial_app
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: notified(app, "Scanner connected."))
        scanner.send(b"]C10109506000134352\x1d10LOT42\r")
        await wait_for(pilot, lambda: "Scan your badge" in login_message(app))


async def test_unplugged_scanner_is_reported_and_comes_back(
    serial_app: KioskApp, ports: tuple[Port, Port], tmp_path: Path
) -> None:
    scanner, _ = ports
    app = serial_app
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: notified(app, "Scanner connected."))
        scanner.unplug()
        await wait_for(pilot, lambda: notified(app, "Scanner disconnected, reconnecting"))
        replugged = Port(scanner.link)
        try:
            await wait_for(
                pilot,
                lambda: (
                    sum("Scanner connected." in str(n.message) for n in app._notifications) == 2
                ),
            )
        finally:
            replugged.unplug()


@pytest.fixture
def wedge_app(tmp_path: Path, clock: FakeClock, services: Services) -> KioskApp:
    """A keyboard-wedge scanner; the gap is generous so Pilot's key presses count as fast."""
    path = tmp_path / "kiosk.toml"
    path.write_text(
        path.read_text(encoding="utf-8")
        + '\n[devices.scanner]\nkind = "keyboard"\nwedge_gap_ms = 500\n',
        encoding="utf-8",
    )
    return KioskApp(load_config(path), clock, lambda: services, tick_seconds=0.05)


async def test_wedge_command_sheet_acts_on_the_home_screen(
    wedge_app: KioskApp, services: Services
) -> None:
    app = wedge_app
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: app.services is not None)
        await pilot.press(*"E1001", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        await pilot.press(*"#K:LOGOUT", "enter")
        await wait_for(pilot, lambda: app.screen is app.login)
        await wait_for(pilot, lambda: len(events_of(services, "auth.logout")) == 1)


async def test_wedge_serial_scan_on_home_is_a_scan_not_typed(wedge_app: KioskApp) -> None:
    app = wedge_app
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.services is not None)
        await pilot.press(*"E1003", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        await wait_for(pilot, lambda: app.screen.query_one(DataTable).row_count > 0)
        await pilot.press(*"SN12345678", "enter")
        # Bound to the selected task, which has not been started: said so by its SN.
        await wait_for(pilot, lambda: notified(app, "SN12345678"))


async def test_wedge_gs1_scan_keeps_its_group_separators(wedge_app: KioskApp) -> None:
    app = wedge_app
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.services is not None)
        await pilot.press(*"E1003", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        # What a wedge scanner types for ]C1 01 GTIN <GS> 10 LOT42: GS arrives as a control key.
        start = time.monotonic()
        data = "]C10109506000134352\x1d10LOT42"
        for n, char in enumerate(data):
            key = "ctrl+right_square_bracket" if char == "\x1d" else char
            event = events.Key(key, char)
            event.time = start + n * 0.002
            assert not app._wedge_scanned(event)
        enter = events.Key("enter", "\r")
        enter.time = start + len(data) * 0.002
        assert app._wedge_scanned(enter)
        await wait_for(pilot, lambda: notified(app, "Material label scanned: 09506000134352 LOT42"))


async def test_a_scan_at_the_pin_prompt_is_refused_not_taken_as_a_pin(
    wedge_app: KioskApp, services: Services
) -> None:
    app = wedge_app
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: app.services is not None)
        await pilot.press(*"E1009", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, PinPrompt))
        await pilot.press(*"E1001", "enter")  # a second badge, scanned too soon
        await wait_for(pilot, lambda: notified(app, "A scan is not taken here"))
        assert isinstance(app.screen, PinPrompt)
        assert app.screen.query_one(Input).value == ""
        assert events_of(services, "auth.login_failed") == []
