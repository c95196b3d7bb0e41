"""A serial scanner or badge reader stood in for by a pseudo-terminal.

The station opens `link` as it would /dev/serial/by-id/...; whatever is sent here arrives
there as bytes on a serial line, so the whole real read path is used.
"""

from __future__ import annotations

import os
import pty
import tty
from pathlib import Path

SUFFIX_BYTES = {"cr": b"\r", "lf": b"\n", "crlf": b"\r\n", "none": b""}


class SerialSimulator:
    def __init__(self, link: Path, suffix: str = "cr") -> None:
        self.link = link
        self._suffix = SUFFIX_BYTES[suffix]
        self._master, self._slave = pty.openpty()
        # Raw from the start: no echo or line editing before the station opens its side.
        tty.setraw(self._slave)
        link.parent.mkdir(parents=True, exist_ok=True)
        link.unlink(missing_ok=True)  # a link left by an earlier run points at a dead pty
        link.symlink_to(os.ttyname(self._slave))

    def send(self, data: bytes) -> None:
        """One read of the device: the data, then the configured suffix."""
        os.write(self._master, data + self._suffix)

    def close(self) -> None:
        """Unplug: the link goes, and the station sees its port vanish."""
        if self.link.is_symlink():
            self.link.unlink()
        os.close(self._master)
        os.close(self._slave)
