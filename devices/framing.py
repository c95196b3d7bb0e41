"""Cut a serial device's byte stream into reads: at a suffix, or after a silence.

Bytes may arrive in any chunks; the reads that come out depend only on the bytes (and, with
no suffix, on when they arrived), never on how they were chunked.
"""

from __future__ import annotations

_LF = 0x0A
SUFFIXES = ("cr", "lf", "crlf", "none")
# A device that never sends its suffix (misconfigured, line noise) must not grow memory.
MAX_FRAME = 4096

_TERMINATORS = {"cr": b"\r", "lf": b"\n", "crlf": b"\r\n"}


class Framer:
    def __init__(
        self, suffix: str = "cr", *, gap_seconds: float = 0.05, max_frame: int = MAX_FRAME
    ) -> None:
        """`suffix` is one of SUFFIXES; with "none" a read ends after `gap_seconds` of silence."""
        if suffix not in SUFFIXES:
            raise ValueError(f"unknown suffix {suffix!r}: expected one of {', '.join(SUFFIXES)}")
        if gap_seconds <= 0 or max_frame < 1:
            raise ValueError("gap_seconds and max_frame must be positive")
        self._suffix = suffix
        self._terminator = _TERMINATORS.get(suffix)
        self._gap = gap_seconds
        self._max = max_frame
        self._buffer = bytearray()
        self._last_byte_at = 0.0
        self._after_cr = False

    def feed(self, data: bytes, now: float) -> list[bytes]:
        """Take the bytes that just arrived (at monotonic `now`); return the reads they complete."""
        if self._terminator is None:
            frames = self.poll(now)
            if data:
                self._buffer += data
                self._last_byte_at = now
            return frames + self._overflow()
        self._buffer += data
        return self._cut(self._terminator) + self._overflow()

    def poll(self, now: float) -> list[bytes]:
        """With no suffix, the pending read once `gap_seconds` passed without a byte."""
        if self._terminator is None and self._buffer and now - self._last_byte_at >= self._gap:
            frame = bytes(self._buffer)
            self._buffer.clear()
            return [frame]
        return []

    def reset(self) -> None:
        """Forget a partial read: after a disconnect it is a truncated barcode, never data."""
        self._buffer.clear()
        self._after_cr = False

    def _cut(self, terminator: bytes) -> list[bytes]:
        frames: list[bytes] = []
        while True:
            if self._after_cr and self._buffer:
                # A CRLF device read in "cr" mode: its LF is not the start of the next read.
                if self._buffer[0] == _LF:
                    del self._buffer[0]
                self._after_cr = False
            end = self._buffer.find(terminator)
            if end < 0:
                return frames
            frame = bytes(self._buffer[:end])
            del self._buffer[: end + len(terminator)]
            self._after_cr = self._suffix == "cr"
            if self._suffix == "lf":
                # The same for a CRLF device in "lf" mode: its CR is not part of the data.
                frame = frame.removesuffix(b"\r")
            # An empty read (CR CR, a lone CRLF) yields nothing; a long one is cut at the cap.
            frames.extend(frame[i : i + self._max] for i in range(0, len(frame), self._max))

    def _overflow(self) -> list[bytes]:
        # Past the cap (strictly, so a CRLF split at the cap is still seen whole) the read is
        # cut: the app rejects it as unknown, and the stream stays in step.
        frames: list[bytes] = []
        while len(self._buffer) > self._max:
            frames.append(bytes(self._buffer[: self._max]))
            del self._buffer[: self._max]
        return frames
