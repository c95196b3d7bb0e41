"""A screen's own lane for device scans: from the reader thread straight to the thread that
judges them, past the event loop.

A material scan's verdict must be committed within milliseconds (bench/scan_verdict.py); the
route through the app and the screen costs two wake-ups of the event loop, and waits for
whatever the loop is drawing. A screen that judges scans on a thread of its own announces its
lane to the app with `ScanLane.Opened`; the app's reader callback then offers each scan here.

The lane takes scans only while its screen is the one on top (`resume`/`pause`) and never
after `close`: a scan it refuses goes the usual way, to whichever screen is on top, so
nothing is lost when the screen changes under a scan. Scans that come the usual way anyway
(a keyboard wedge, a scan that arrived while the lane was paused) are `put` into the same
queue, so the judging thread sees every scan in the order it came.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from queue import Empty, SimpleQueue

from textual.message import Message

from devices.scan import Scan

__all__ = ["Empty", "ScanLane"]


class ScanLane:
    @dataclass
    class Opened(Message):
        """Bubbles to the app: offer device scans to this lane from now on."""

        lane: ScanLane

    def __init__(self) -> None:
        self._lock = threading.Lock()  # a scan is either queued before a pause, or refused
        self._queue: SimpleQueue[Scan | None] = SimpleQueue()  # None: stop judging
        self._on_top = False
        self._closed = False

    def offer(self, scan: Scan) -> bool:
        """On a reader thread: queue `scan` if the screen is on top; False if not."""
        with self._lock:
            if self._closed or not self._on_top:
                return False
            self._queue.put(scan)
            return True

    def put(self, scan: Scan) -> None:
        """A scan the screen was handed the usual way: judged after those before it."""
        with self._lock:
            if not self._closed:
                self._queue.put(scan)

    def resume(self) -> None:
        with self._lock:
            self._on_top = True

    def pause(self) -> None:
        with self._lock:
            self._on_top = False

    def close(self) -> None:
        """The screen is gone: refuse scans from now on, and end the judging thread."""
        with self._lock:
            self._closed = True
            self._queue.put(None)

    def next(self, timeout: float) -> Scan | None:
        """The next scan (None once closed); raises `Empty` after `timeout` seconds."""
        return self._queue.get(timeout=timeout)
