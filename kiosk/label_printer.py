"""Sends labels to the printer kiosk.toml names, in the format that printer takes."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from devices.labels.pdf import render_pdf
from devices.labels.templates import Label, LabelSize
from devices.labels.transports import (
    PrinterUnavailable,
    save_to_folder,
    send_cups,
    send_serial,
    send_tcp,
)
from devices.labels.zpl import render_zpl
from kiosk.config import PrinterDevice
from kiosk.print_queue import PrintQueue

_TIMEOUT = 5.0


def print_label(label: Label, printer: PrinterDevice, job_id: str) -> None:
    """Blocking; raises PrinterUnavailable when the printer cannot take it now."""
    size = LabelSize(printer.label_width_mm, printer.label_height_mm, printer.dpi)
    if printer.kind == "zpl_tcp":
        host, _, port = printer.target.rpartition(":")
        if not host or not port.isdigit():
            raise PrinterUnavailable(f"target '{printer.target}' is not host:port")
        send_tcp(host, int(port), render_zpl(label, size), _TIMEOUT)
    elif printer.kind == "zpl_serial":
        send_serial(printer.target, printer.baud, render_zpl(label, size), _TIMEOUT)
    elif printer.kind == "cups":
        send_cups(printer.target, render_pdf(label, size), _TIMEOUT)
    elif printer.kind == "folder":
        data = render_zpl(label, size) if printer.format == "zpl" else render_pdf(label, size)
        save_to_folder(Path(printer.target), f"{job_id}.{printer.format}", data)
    else:
        raise PrinterUnavailable("no label printer is configured")


def send_due(
    queue: PrintQueue,
    printer: PrinterDevice,
    on_printed: Callable[[], object],
    on_trouble: Callable[[str, int], object],
) -> None:
    """Send what the queue has due, in order; stop at the first job the printer refuses.

    Blocking (run it off the event loop). A label is sent, then recorded: if recording
    fails it is sent again later, so delivery is at least once, never lost.
    """
    for job in queue.due():
        try:
            print_label(job.label, printer, job.job_id)
        except PrinterUnavailable as exc:
            queue.failed(job.job_id, exc.reason)
            on_trouble(exc.reason, queue.waiting())
            return
        except ValueError as exc:  # this label cannot be rendered: it must not block others
            queue.unprintable(job.job_id, str(exc))
            continue
        queue.printed(job.job_id)
        on_printed()


def send_as_queued(
    queue: PrintQueue,
    printer: PrinterDevice,
    stop: threading.Event,
    retry_seconds: float,
    on_printed: Callable[[], object],
    on_trouble: Callable[[str, int], object],
) -> None:
    """Send labels as they are queued until `stop` is set (then `queue.wake()` ends the wait).

    Blocking: run it on a thread of its own. While the queue is empty it sleeps; while
    labels wait for the printer it looks again every `retry_seconds`.
    """
    while not stop.is_set():
        send_due(queue, printer, on_printed, on_trouble)
        queue.wait_for_work(retry_seconds if queue.waiting() else None)
