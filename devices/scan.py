"""What one read of a scanner or badge reader delivers, and how the device is doing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from devices.symbology import split_symbology


class DeviceState(StrEnum):
    CONNECTED = "connected"
    # It was connected and went away (unplugged, cable, power): retrying by itself.
    RECONNECTING = "reconnecting"
    # Not seen since start: its port does not exist.
    ABSENT = "absent"


@dataclass(frozen=True)
class Scan:
    raw: bytes  # exactly what the device sent for this read, terminator excluded
    text: str  # decoded, without the symbology identifier
    symbology: str | None  # AIM identifier such as "]C1", when the device sends one
    source: str  # the device's name, e.g. "scanner"
    received_at: datetime  # wall time, aware UTC
    received_mono: float  # monotonic reading taken with received_at

    @classmethod
    def from_frame(
        cls, frame: bytes, *, source: str, received_at: datetime, received_mono: float
    ) -> Scan:
        symbology, text = split_symbology(_decode(frame))
        return cls(frame, text, symbology, source, received_at, received_mono)


def _decode(data: bytes) -> str:
    # UTF-8 when valid (QR codes carry it); otherwise Latin-1, which cannot fail and keeps
    # every byte as one distinct character, so two different bad reads never look alike.
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")
