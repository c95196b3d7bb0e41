"""A machine's DNC port stood in for by a pseudo-terminal, for tests and `kiosk sim dnc`.

The station opens the slave side (`path`: the pty, or a by-id style link to it) as it would
the machine's serial port; the machine holds the master side and keeps every byte that
arrives (`received`). It takes bytes only as far as its small buffer has room: when the
buffer is full it sends XOFF, works through it for `work_seconds` taking nothing (what is
sent meanwhile waits on the line), and sends XON. A machine `busy_at_start` sends XOFF as
soon as a program starts to arrive and holds the line that many seconds while it still takes
whatever is already on the line: a sender that ignored XOFF would not be held up at all. A
machine that does not `answers_xon` never resumes.
"""

from __future__ import annotations

import os
import pty
import select
import threading
import time
import tty
from pathlib import Path

from devices.dnc import XOFF, XON

_POLL_SECONDS = 0.02  # how late close() and the end of a pause may be noticed
_READ_SIZE = 4096


class DncMachine:
    def __init__(
        self,
        *,
        buffer_size: int = 256,
        work_seconds: float = 0.02,
        answers_xon: bool = True,
        busy_at_start: float = 0.0,
        link: Path | None = None,
    ) -> None:
        self._buffer_size = buffer_size
        self._work_seconds = work_seconds
        self._answers_xon = answers_xon
        self._busy_at_start = busy_at_start
        self._master, self._slave = pty.openpty()
        # Raw from the start: no echo or line editing before the station opens its side.
        tty.setraw(self._slave)
        self._link = link
        if link is not None:
            link.parent.mkdir(parents=True, exist_ok=True)
            link.unlink(missing_ok=True)  # a link left by an earlier run points at a dead pty
            link.symlink_to(os.ttyname(self._slave))
        self.path = str(link) if link is not None else os.ttyname(self._slave)
        self.pauses: list[tuple[float, float | None]] = []  # (XOFF sent, XON sent) monotonic
        self._received = bytearray()
        self._arrived = threading.Condition()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="dnc-machine", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        """Switch the machine off: its port goes, and so does the link to it. Idempotent."""
        if self._stopping.is_set():
            return
        self._stopping.set()
        if self._thread.ident is not None:
            self._thread.join(2.0)
        if self._link is not None and self._link.is_symlink():
            self._link.unlink()
        os.close(self._master)
        os.close(self._slave)

    @property
    def received(self) -> bytes:
        with self._arrived:
            return bytes(self._received)

    def wait_for(self, size: int, timeout: float) -> bytes:
        """What has arrived once it is at least `size` bytes (or `timeout` has passed)."""
        with self._arrived:
            self._arrived.wait_for(lambda: len(self._received) >= size, timeout)
            return bytes(self._received)

    def _run(self) -> None:
        unworked = 0
        resume_at: float | None = None  # while XOFF holds the line
        working = False  # through a full buffer: nothing is taken meanwhile
        while not self._stopping.is_set():
            if working:
                self._stopping.wait(_POLL_SECONDS / 4)
            elif select.select([self._master], [], [], _POLL_SECONDS)[0]:
                # Busy at the start it takes all that is on the line; else what fits.
                room = _READ_SIZE if resume_at is not None else self._buffer_size - unworked
                data = os.read(self._master, min(room, _READ_SIZE))
                first = self._keep(data)
                unworked += len(data)
                if resume_at is None and first and self._busy_at_start > 0:
                    resume_at = self._pause(self._busy_at_start)
                elif resume_at is None and unworked >= self._buffer_size:
                    resume_at, working = self._pause(self._work_seconds), True
            if resume_at is not None and self._answers_xon and time.monotonic() >= resume_at:
                unworked, resume_at, working = 0, None, False
                os.write(self._master, bytes([XON]))
                self.pauses[-1] = (self.pauses[-1][0], time.monotonic())

    def _keep(self, data: bytes) -> bool:
        """Keep what arrived; answers whether it is the first of it."""
        with self._arrived:
            first = not self._received
            self._received += data
            self._arrived.notify_all()
        return first

    def _pause(self, seconds: float) -> float:
        os.write(self._master, bytes([XOFF]))
        now = time.monotonic()
        self.pauses.append((now, None))
        return now + seconds
