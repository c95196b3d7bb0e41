"""A scanner or badge reader on a serial port, read on its own thread, through unplug and replug.

The callbacks run on the reader thread: the app passes them on with `post_message`, which is
thread-safe. Reads cut short by a disconnect are dropped, never delivered as half a barcode.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import serial

from devices.backoff import Backoff
from devices.framing import Framer
from devices.scan import DeviceState, Scan

logger = logging.getLogger(__name__)

# How long one read waits for a byte: bounds how late stop() and a silence-ended read are.
_READ_TIMEOUT = 0.05


def _utc_now() -> datetime:
    return datetime.now(UTC)


class SerialReader:
    def __init__(
        self,
        port: str | Path,
        *,
        source: str,
        on_scan: Callable[[Scan], None],
        on_state: Callable[[DeviceState], None],
        baud: int = 9600,
        suffix: str = "cr",
        gap_seconds: float = 0.05,
        backoff: Backoff | None = None,
        wall: Callable[[], datetime] = _utc_now,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        """`port` is a path, preferably a stable /dev/serial/by-id/... link; `source` names
        the device in each Scan; `suffix` and `gap_seconds` are as for Framer."""
        self._path = Path(port)
        self._source = source
        self._on_scan = on_scan
        self._on_state = on_state
        self._baud = baud
        self._framer = Framer(suffix, gap_seconds=gap_seconds)
        self._backoff = backoff or Backoff()
        self._wall = wall
        self._monotonic = monotonic
        self._state: DeviceState | None = None
        self._ever_connected = False
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"serial-{source}", daemon=True)

    def start(self) -> None:
        """Start reading on the reader thread (once per reader)."""
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        """Stop reading, close the port, and wait up to `timeout` for the thread. Idempotent."""
        self._stopping.set()
        if self._thread.ident is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stopping.is_set():
            port = self._open()
            if port is None:
                # Waiting on the stop event rather than sleeping keeps stop() prompt.
                self._stopping.wait(self._backoff.next_delay())
                continue
            self._backoff.reset()
            self._ever_connected = True
            self._report(DeviceState.CONNECTED, "opened")
            try:
                self._pump(port)
            finally:
                port.close()
                self._framer.reset()

    def _open(self) -> serial.Serial | None:
        try:
            # exclusive: a second process on the same port would steal half the scans.
            return serial.Serial(str(self._path), self._baud, timeout=_READ_TIMEOUT, exclusive=True)
        except (serial.SerialException, OSError) as error:
            # Once it has been seen, a missing port is a device to wait for, not a lack of one.
            absent = not self._ever_connected and not self._path.exists()
            self._report(DeviceState.ABSENT if absent else DeviceState.RECONNECTING, str(error))
            return None

    def _pump(self, port: serial.Serial) -> None:
        while not self._stopping.is_set():
            try:
                # All that is waiting, or block (up to the timeout) for one byte.
                data: bytes = port.read(port.in_waiting or 1)
            except (serial.SerialException, OSError) as error:
                self._report(DeviceState.RECONNECTING, str(error))
                return
            now = self._monotonic()
            for frame in self._framer.feed(data, now) if data else self._framer.poll(now):
                self._deliver(frame, now)
            # Some adapters go silent instead of failing when unplugged; udev removes the link.
            if not data and not self._path.exists():
                self._report(DeviceState.RECONNECTING, "port vanished")
                return

    def _deliver(self, frame: bytes, now: float) -> None:
        scan = Scan.from_frame(
            frame, source=self._source, received_at=self._wall(), received_mono=now
        )
        try:
            self._on_scan(scan)
        except Exception:
            # A failing handler must not kill the reader: later scans still have to arrive.
            logger.exception("%s: on_scan failed for %r", self._source, frame)

    def _report(self, state: DeviceState, reason: str) -> None:
        if state == self._state:
            return
        self._state = state
        logger.info("%s %s: %s (%s)", self._source, state, self._path, reason)
        try:
            self._on_state(state)
        except Exception:
            logger.exception("%s: on_state failed for %s", self._source, state)
