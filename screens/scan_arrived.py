"""What a scanner or badge reader read, handed by the app to the screen on top."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from devices.scan import Scan


@dataclass
class ScanArrived(Message):
    # Only the screen it is given to handles it: passing it on to the app costs a scan time.
    bubble = False
    scan: Scan

    @property
    def device(self) -> str:
        """ "scanner" or "badge_reader": the device that read it."""
        return self.scan.source
