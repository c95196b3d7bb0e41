"""A network label printer stood in for by a raw TCP listener on loopback (port 9100 style).

Each connection is one job, kept whole in `jobs` (and, given a folder, saved there as
job-00001.prn, ...). It can go offline (the listener closes: connections are refused) and
come back on the same port, to exercise a sender's retry.
"""

from __future__ import annotations

import socket
import threading
from pathlib import Path
from types import TracebackType

from devices.labels.transports import save_to_folder

# How long accept() waits before looking at the stop flag: bounds how late go_offline() is.
_ACCEPT_POLL = 0.05
# A sender silent this long has gone away; its job ends with what arrived.
_IDLE_TIMEOUT = 5.0
_CHUNK = 65536


class PrinterSimulator:
    def __init__(self, *, port: int = 0, folder: Path | None = None) -> None:
        """`port` 0 takes a free one, kept across offline/online; see `.port` after start()."""
        self.port = port
        self.jobs: list[bytes] = []
        self._folder = folder
        self._received = threading.Condition()
        self._listener: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    def start(self) -> None:
        """Listen and take jobs (go online). Idempotent."""
        if self._thread is not None:
            return
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        # The port is taken again after go_offline(), while old connections are in TIME_WAIT.
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        listener.settimeout(_ACCEPT_POLL)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._stopping.clear()
        self._thread = threading.Thread(target=self._serve, name="printer-sim", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        """Close the listener and wait up to `timeout` for the thread. Idempotent."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        if self._listener is not None:
            self._listener.close()
            self._listener = None

    go_online = start
    go_offline = stop

    def wait_for_jobs(self, count: int, timeout: float) -> list[bytes]:
        """The jobs once there are at least `count` of them, or as many as came in `timeout`."""
        with self._received:
            self._received.wait_for(lambda: len(self.jobs) >= count, timeout)
            return list(self.jobs)

    def __enter__(self) -> PrinterSimulator:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _serve(self) -> None:
        listener = self._listener
        assert listener is not None
        while not self._stopping.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # the listener was closed under us
            # One job at a time, as a printer does: the next sender waits in the backlog.
            with connection:
                job = self._receive(connection)
            if job:
                self._keep(job)

    def _receive(self, connection: socket.socket) -> bytes:
        connection.settimeout(_IDLE_TIMEOUT)
        chunks: list[bytes] = []
        try:
            while chunk := connection.recv(_CHUNK):
                chunks.append(chunk)
        except OSError:
            pass  # reset or silent sender: keep what arrived, as a printer would print it
        return b"".join(chunks)

    def _keep(self, job: bytes) -> None:
        # Saved before it counts as received, so whoever waits for it also finds the file.
        with self._received:
            number = len(self.jobs) + 1
            if self._folder is not None:
                save_to_folder(self._folder, f"job-{number:05d}.prn", job)
            self.jobs.append(job)
            self._received.notify_all()
