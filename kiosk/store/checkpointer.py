"""Copying the write-ahead log into the database file on a thread of its own.

SQLite checkpoints inside whichever commit makes the log pass `wal_autocheckpoint` pages:
that commit then also copies pages and fsyncs the whole database file, the worst of a scan's
commit time (p99 5-6 ms against 2.5 without, bench/scan_verdict.py). The station therefore
checkpoints every second here, where nobody waits for it, and keeps SQLite's own only as a
backstop far beyond what a second of work writes.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

# Pages of log after which a commit checkpoints by itself: reached only if this thread
# stopped working (about 40 MB at 4 KiB pages).
BACKSTOP_PAGES = 10_000
EVERY_SECONDS = 1.0

_log = logging.getLogger(__name__)


class Checkpointer:
    def __init__(self, path: Path, every: float = EVERY_SECONDS) -> None:
        self._path = path
        self._every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="wal-checkpoint", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        conn = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
        try:
            while not self._stop.wait(self._every):
                try:
                    # PASSIVE: copies what no reader still needs, never waits for anyone.
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error as exc:
                    # Tried again next time; the backstop bounds the log meanwhile.
                    _log.warning("WAL checkpoint of %s failed: %s", self._path, exc)
        finally:
            conn.close()
