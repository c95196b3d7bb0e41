"""F6 prints a label through the queue to a real (simulated) printer; F7 reprints it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import col, select

from devices.printer_sim import PrinterSimulator
from kiosk.app import KioskApp
from kiosk.config import load_config
from kiosk.print_queue import QueuedLabel
from kiosk.services import Services
from kiosk.store.errors import StoreError
from kiosk.store.models import Event
from screens.choice_prompt import ChoicePrompt
from screens.text_prompt import TextPrompt
from tests.fakes import FakeClock
from tests.test_app import sign_in, type_and_enter, wait_for


@pytest.fixture
def printer() -> Iterator[PrinterSimulator]:
    simulator = PrinterSimulator()
    simulator.start()
    yield simulator
    simulator.stop()


@pytest.fixture
def label_app(
    tmp_path: Path, clock: FakeClock, services: Services, printer: PrinterSimulator
) -> KioskApp:
    path = tmp_path / "kiosk.toml"
    path.write_text(
        path.read_text(encoding="utf-8")
        + f'\n[devices.printer]\nkind = "zpl_tcp"\ntarget = "127.0.0.1:{printer.port}"\n',
        encoding="utf-8",
    )
    return KioskApp(load_config(path), clock, lambda: services, print_retry_seconds=0.05)


def notified(app: KioskApp, text: str) -> bool:
    return any(text in str(n.message) for n in app._notifications)


def label_events(services: Services) -> list[str]:
    with services.store.read() as session:
        events = session.exec(
            select(Event).where(col(Event.type).startswith("label.")).order_by(col(Event.seq))
        ).all()
    return [e.type for e in events]


async def test_label_waits_for_an_offline_printer_then_prints(
    label_app: KioskApp, services: Services, printer: PrinterSimulator, clock: FakeClock
) -> None:
    app = label_app
    printer.go_offline()
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, app, "E1003")
        await pilot.press("f6")
        await wait_for(pilot, lambda: isinstance(app.screen, TextPrompt))
        await type_and_enter(pilot, "SN00000042")
        await wait_for(pilot, lambda: notified(app, "Printer not available"))
        assert services.printing.waiting() == 1 and printer.jobs == []
        printer.go_online()
        clock.advance(2)  # the first retry is due
        await wait_for(pilot, lambda: notified(app, "Printer back"))
        [job] = printer.jobs
        assert b"SN00000042" in job and job.startswith(b"^XA")
        assert services.printing.waiting() == 0
        assert label_events(services) == ["label.queued", "label.printed"]

        await pilot.press("f7")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoicePrompt))
        await pilot.press("1", "enter")  # label damaged
        assert printer.wait_for_jobs(2, timeout=30)[1] == job
        await wait_for(pilot, lambda: label_events(services)[-1] == "label.printed")
        with services.store.read() as session:
            reprint = session.exec(select(Event).where(Event.type == "label.reprint")).one()
        assert json.loads(reprint.payload)["reason"] == "damaged"


async def test_the_printed_pdf_carries_the_serial_that_was_recorded(
    tmp_path: Path, clock: FakeClock, services: Services
) -> None:
    import pypdfium2 as pdfium
    import zxingcpp

    labels = tmp_path / "labels"
    labels.mkdir()
    path = tmp_path / "kiosk.toml"
    path.write_text(
        path.read_text(encoding="utf-8")
        + f'\n[devices.printer]\nkind = "folder"\ntarget = "{labels}"\nformat = "pdf"\n',
        encoding="utf-8",
    )
    app = KioskApp(load_config(path), clock, lambda: services, print_retry_seconds=0.05)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, app, "E1003")
        await pilot.press("f6")
        await wait_for(pilot, lambda: isinstance(app.screen, TextPrompt))
        await type_and_enter(pilot, "SN2611000777")
        await wait_for(pilot, lambda: label_events(services) == ["label.queued", "label.printed"])
    with services.store.read() as session:
        queued = session.exec(select(Event).where(Event.type == "label.queued")).one()
    recorded = json.loads(queued.payload)["label"]["serial"]
    [pdf] = labels.iterdir()
    page = pdfium.PdfDocument(pdf.read_bytes())[0]
    decoded = {code.text for code in zxingcpp.read_barcodes(page.render(scale=300 / 72).to_pil())}
    assert decoded == {recorded} == {"SN2611000777"}  # Code 128 and QR both carry it


async def test_the_label_thread_starts_again_after_it_failed(
    label_app: KioskApp,
    services: Services,
    printer: PrinterSimulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = label_app
    due = services.printing.due
    reads: list[int] = []

    def locked_once() -> list[QueuedLabel]:
        reads.append(1)
        if len(reads) == 1:
            raise StoreError("database is locked")  # another process held it too long
        return due()

    monkeypatch.setattr(services.printing, "due", locked_once)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, app, "E1003")
        await wait_for(pilot, lambda: notified(app, "StoreError"))
        await pilot.press("f6")
        await wait_for(pilot, lambda: isinstance(app.screen, TextPrompt))
        await type_and_enter(pilot, "SN00000043")
        assert b"SN00000043" in printer.wait_for_jobs(1, timeout=30)[0]
        await wait_for(pilot, lambda: notified(app, "Label printed"))
