"""Latency of the scan path: bytes written to a pseudo-terminal → the parsed `Scan` delivered.

Run: ``.venv/bin/python bench/scan_path.py [--scans N]``. A benchmark that prints figures; it
exits 0 whether or not the target is met (1 only when a run fails: the reader never connects,
a scan is not delivered in time, or a delivered scan is not what was sent).

How: a real pseudo-terminal is opened (`pty.openpty`) and a symlink to its slave is made in a
temporary folder, as udev makes /dev/serial/by-id/... links. A real
`devices.serial_reader.SerialReader` (source "scanner", suffix "cr") is started on the link;
nothing is written before it reports ``DeviceState.CONNECTED``, since it flushes its input on
open. Then, one scan at a time: ``t0 = time.monotonic()`` just before
``os.write(master, payload + b"\\r")``, and the ``on_scan`` callback (on the reader thread)
reads ``time.monotonic()`` as it is called, which is when the app would get the scan; the next
scan is written only once that one has come back through a queue, so each figure is one scan's
latency, not a share of a throughput. (`Scan.received_mono` is earlier: it is taken when the
read returns, before framing and building the Scan.)

Payloads alternate, scan n being ``]C10109506000134352<GS>10LOT{n:05d}<GS>17261231<GS>3712``
(a GS1-128 material label, with its AIM prefix and GS separators) for even n and
``SN{n:010d}`` (a plant serial number) for odd n. Pass 1 only times delivery; pass 2 sends the
same scans and, inside the callback, also runs
``kiosk.barcodes.meaning.interpret(scan.text, scan.symbology, BarcodeSection())`` before
reading the clock. Before any timing, both payload kinds are interpreted once (which imports
biip and compiles the patterns) and 100 scans go through the pty and are discarded.

Every delivered Scan's text is compared with what was sent, less the AIM prefix, and its
symbology with that prefix; in pass 2 the meaning must be the material label (with its lot) or
the serial number that was sent. Percentiles are nearest-rank.

Then label rendering: ZPL labels per second and PDF milliseconds per label (60 × 40 mm
product labels, each with its own serial).
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import pty
import queue
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from devices.scan import DeviceState, Scan
from devices.serial_reader import SerialReader
from kiosk.barcodes.formats import BarcodeSection
from kiosk.barcodes.meaning import MaterialLabel, ScanMeaning, SerialNumber, interpret

TARGET_P99_MS = 5.0
WARMUP_SCANS = 100
CONNECT_TIMEOUT_SECONDS = 5.0
# Far above any plausible latency: a scan not back by then is lost, and the run has failed.
DELIVERY_TIMEOUT_SECONDS = 2.0
AIM_GS1_128 = "]C1"
GS = "\x1d"


class RunFailed(Exception):
    """The reader did not connect, or a scan did not come back; the message says which."""


@dataclass(frozen=True)
class Sent:
    """One scan as written: what the Scan must then carry, and what it must mean."""

    payload: bytes
    text: str  # without the AIM prefix
    symbology: str | None
    lot: str | None  # the GS1 label's lot; None for a serial number


def scan_to_send(n: int) -> Sent:
    if n % 2 == 0:
        lot = f"LOT{n:05d}"
        text = f"0109506000134352{GS}10{lot}{GS}17261231{GS}3712"
        return Sent((AIM_GS1_128 + text).encode("ascii"), text, AIM_GS1_128, lot)
    text = f"SN{n:010d}"
    return Sent(text.encode("ascii"), text, None, None)


def meaning_fits(meaning: ScanMeaning | None, sent: Sent) -> bool:
    if sent.lot is not None:
        return isinstance(meaning, MaterialLabel) and meaning.lot == sent.lot
    return isinstance(meaning, SerialNumber) and meaning.serial == sent.text


Delivery = tuple[float, Scan, ScanMeaning | None]


class Sink:
    """The reader's callbacks: they run on the reader thread and hand results to the main one."""

    def __init__(self) -> None:
        self.section = BarcodeSection()
        self.interpreting = False  # changed only between passes, with no scan in flight
        self.connected = threading.Event()
        self.deliveries: queue.Queue[Delivery] = queue.Queue()

    def on_scan(self, scan: Scan) -> None:
        if self.interpreting:
            meaning = interpret(scan.text, scan.symbology, self.section)
            self.deliveries.put((time.monotonic(), scan, meaning))
        else:
            self.deliveries.put((time.monotonic(), scan, None))

    def on_state(self, state: DeviceState) -> None:
        if state == DeviceState.CONNECTED:
            self.connected.set()


@dataclass
class Pass:
    latencies: list[float]  # seconds, one per scan
    text_mismatches: int
    meaning_mismatches: int


def run_pass(master: int, sink: Sink, scans: int, *, interpreting: bool) -> Pass:
    sink.interpreting = interpreting
    latencies: list[float] = []
    text_mismatches = meaning_mismatches = 0
    for n in range(scans):
        sent = scan_to_send(n)
        data = sent.payload + b"\r"
        t0 = time.monotonic()
        written = os.write(master, data)
        if written != len(data):
            raise RunFailed(f"scan {n}: wrote {written} of {len(data)} bytes to the pty")
        try:
            delivered_at, scan, meaning = sink.deliveries.get(timeout=DELIVERY_TIMEOUT_SECONDS)
        except queue.Empty:
            raise RunFailed(
                f"scan {n} ({sent.payload!r}) not delivered within {DELIVERY_TIMEOUT_SECONDS} s"
            ) from None
        latencies.append(delivered_at - t0)
        if scan.text != sent.text or scan.symbology != sent.symbology:
            text_mismatches += 1
        if interpreting and not meaning_fits(meaning, sent):
            meaning_mismatches += 1
    return Pass(latencies, text_mismatches, meaning_mismatches)


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile `q` (0-100] of already sorted values."""
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def figures(latencies: list[float]) -> tuple[float, float, float]:
    """p50, p99 and max, in milliseconds."""
    ordered = sorted(latencies)
    return (
        percentile(ordered, 50) * 1000,
        percentile(ordered, 99) * 1000,
        ordered[-1] * 1000,
    )


def measure(scans: int) -> tuple[Pass, Pass]:
    """Pass 1 (delivery) and pass 2 (delivery and interpretation) over one pty and reader."""
    # Warm-up of the interpreter: biip's import and the pattern compiles are not timed.
    for n in (0, 1):
        sent = scan_to_send(n)
        warm = interpret(sent.text, sent.symbology, BarcodeSection())
        if not meaning_fits(warm, sent):
            raise RunFailed(f"warm-up: {sent.payload!r} was read as {warm!r}")

    master, slave = pty.openpty()
    sink = Sink()
    reader: SerialReader | None = None
    try:
        with tempfile.TemporaryDirectory(prefix="kiosk-scan-bench-") as tmp:
            by_id = Path(tmp) / "serial" / "by-id"
            by_id.mkdir(parents=True)
            link = by_id / "usb-Bench_Scanner_0001-if00"
            link.symlink_to(os.ttyname(slave))
            reader = SerialReader(
                link,
                source="scanner",
                on_scan=sink.on_scan,
                on_state=sink.on_state,
                suffix="cr",
            )
            reader.start()
            if not sink.connected.wait(CONNECT_TIMEOUT_SECONDS):
                raise RunFailed(
                    f"the reader did not connect to {link} within {CONNECT_TIMEOUT_SECONDS:g} s"
                )
            warmup = run_pass(master, sink, WARMUP_SCANS, interpreting=False)
            if warmup.text_mismatches:
                raise RunFailed(f"warm-up: {warmup.text_mismatches} scans not as sent")
            delivered = run_pass(master, sink, scans, interpreting=False)
            interpreted = run_pass(master, sink, scans, interpreting=True)
            reader.stop()
            reader = None
    finally:
        if reader is not None:
            reader.stop()
        os.close(master)
        os.close(slave)
    return delivered, interpreted


def label_rates(count: int = 20_000, pdf_count: int = 500) -> tuple[float, float]:
    """ZPL labels per second and PDF milliseconds per label, after one warm-up of each."""
    from datetime import date

    from devices.labels.pdf import render_pdf
    from devices.labels.templates import LabelSize, ProductLabel
    from devices.labels.zpl import render_zpl

    size = LabelSize(60, 40)
    labels = [
        ProductLabel("P-100", "电机外壳 Motor housing", f"SN{n:010d}", "WO-42", date(2026, 11, 25))
        for n in range(max(count, pdf_count))
    ]
    render_zpl(labels[0], size)
    render_pdf(labels[0], size)
    started = time.perf_counter()
    for label in labels[:count]:
        render_zpl(label, size)
    zpl_per_second = count / (time.perf_counter() - started)
    started = time.perf_counter()
    for label in labels[:pdf_count]:
        render_pdf(label, size)
    pdf_ms = (time.perf_counter() - started) / pdf_count * 1000
    print(f"labels, ZPL: {zpl_per_second:,.0f} labels/s (target >= 5,000)")
    print(f"labels, PDF: {pdf_ms:.2f} ms/label (target <= 10)")
    return zpl_per_second, pdf_ms


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--scans", type=int, default=10_000, help="scans timed in each pass")
    args = parser.parse_args(argv)
    if args.scans < 1:
        parser.error("--scans must be at least 1")

    try:
        delivered, interpreted = measure(args.scans)
    except RunFailed as exc:
        print(f"scan path benchmark: {exc}", file=sys.stderr)
        return 1

    print(
        f"scan path over a pty ({args.scans} scans, python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs)"
    )
    p50, p99, worst = figures(delivered.latencies)
    verdict = "met" if p99 < TARGET_P99_MS else "NOT met"
    print(
        f"{'bytes written → Scan delivered:':<35} p50 {p50:.3f} ms  p99 {p99:.3f} ms  "
        f"max {worst:.3f} ms  (target p99 < {TARGET_P99_MS:g} ms: {verdict})"
    )
    p50, p99, worst = figures(interpreted.latencies)
    print(
        f"{'bytes written → scan interpreted:':<35} p50 {p50:.3f} ms  p99 {p99:.3f} ms  "
        f"max {worst:.3f} ms"
    )
    text_mismatches = delivered.text_mismatches + interpreted.text_mismatches
    print(
        f"mismatches: {text_mismatches} of {2 * args.scans} scans delivered not as sent, "
        f"{interpreted.meaning_mismatches} of {args.scans} interpreted wrongly"
    )
    label_rates()
    return 1 if text_mismatches or interpreted.meaning_mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
