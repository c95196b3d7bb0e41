"""Sending a machine program over a serial line (DNC) with XON/XOFF flow control.

The port is opened by pyserial with `xonxoff=True`, which sets termios IXON on our side: the
kernel stops our output when the machine sends XOFF (0x13, its buffer is full) and resumes it
on XON (0x11). A Linux pseudo-terminal honours this the same way (tests/test_nc_programs.py
shows a send held for as long as the simulated machine holds XOFF).

The bytes are written here with os.write on the port's descriptor, a small chunk at a time,
each after select() says the port takes bytes: pyserial's own write retries a write refused
while output is stopped in a busy loop, which would spin a core for as long as the machine
holds XOFF. One deadline bounds the whole send, so a machine that never sends XON fails the
send cleanly instead of hanging the station.
"""

from __future__ import annotations

import contextlib
import os
import select
import termios
import time
from pathlib import Path
from typing import Any

import serial

from devices.nc_failure import Problem, TransferFailed

XON = 0x11
XOFF = 0x13
CHUNK = 64  # bytes per write: a machine's XOFF stops us within a chunk
_BITS_PER_BYTE = 10  # start, 8 data, stop
_DRAIN_POLL_SECONDS = 0.01


def frame(program: bytes) -> bytes:
    """The program as DNC machines expect it: a '%' line first and last, CR LF line ends.

    Choices: an LF alone becomes CR LF and a CR LF stays one (a lone CR is left as it is);
    a last line without an end gets one; a '%' line is added at the start and at the end only
    where the program does not already have one; nothing else is added (no leader of NULs,
    no end-of-transmission byte). A program holding XON or XOFF bytes cannot go over a line
    that uses them for flow control: it is refused (NOT_SENDABLE) rather than cut short.
    """
    if bytes([XON]) in program or bytes([XOFF]) in program:
        raise TransferFailed(Problem.NOT_SENDABLE, "the program contains XON or XOFF bytes")
    lines = program.replace(b"\r\n", b"\n").split(b"\n")
    if lines[-1] == b"":
        lines.pop()  # the end of the last line, not an empty line after it
    if not lines or lines[0].strip() != b"%":
        lines.insert(0, b"%")
    if len(lines) == 1 or lines[-1].strip() != b"%":
        lines.append(b"%")
    return b"\r\n".join(lines) + b"\r\n"


def wire_seconds(size: int, baud: int) -> float:
    """How long `size` bytes take on the line at `baud`, with no pauses."""
    return size * _BITS_PER_BYTE / baud


def send_program(port: str, data: bytes, *, baud: int, timeout: float) -> None:
    """Send `data` (already framed) to the machine on `port`; raises TransferFailed.

    The whole send may take the bytes' time on the wire plus `timeout` seconds of the
    machine holding XOFF (or taking nothing)."""
    deadline = time.monotonic() + wire_seconds(len(data), baud) + timeout
    line = _open(port, baud)
    try:
        fd = line.fileno()
        for start in range(0, len(data), CHUNK):
            chunk = memoryview(data)[start : start + CHUNK]
            while chunk:
                _wait_writable(fd, deadline)
                chunk = chunk[_write(fd, chunk) :]
        _drain(line, deadline)
    except TransferFailed:
        _discard_output(line)
        raise
    finally:
        line.close()


def _open(port: str, baud: int) -> Any:
    try:
        # exclusive: a second sender on the same line would interleave two programs.
        return serial.Serial(port, baud, xonxoff=True, timeout=0, exclusive=True)
    except (serial.SerialException, OSError, ValueError) as error:
        problem = Problem.PORT_ERROR if Path(port).exists() else Problem.PORT_MISSING
        raise TransferFailed(problem, str(error)) from None


def _wait_writable(fd: int, deadline: float) -> None:
    left = deadline - time.monotonic()
    if left <= 0 or not select.select([], [fd], [], left)[1]:
        raise TransferFailed(Problem.TIMED_OUT, "the machine took no bytes (held XOFF) in time")


def _write(fd: int, chunk: memoryview) -> int:
    """Bytes written; 0 when output stopped between select() and here (XOFF just came)."""
    try:
        return os.write(fd, chunk)
    except BlockingIOError:
        return 0
    except OSError as error:  # e.g. EIO: the adapter was unplugged during the send
        raise TransferFailed(Problem.PORT_ERROR, str(error)) from None


def _discard_output(line: Any) -> None:
    """Drop what is still queued: closing a UART otherwise waits for it to leave, which a
    machine holding XOFF never lets happen. A port already gone has nothing to drop."""
    with contextlib.suppress(serial.SerialException, OSError, termios.error):
        line.reset_output_buffer()


def _drain(line: Any, deadline: float) -> None:
    """Wait for the bytes the driver still queues to leave (a UART's buffer; a pty has none).
    Polled rather than tcdrain(), which waits without a limit while the machine holds XOFF."""
    while True:
        try:
            waiting = line.out_waiting
        except (serial.SerialException, OSError) as error:
            raise TransferFailed(Problem.PORT_ERROR, str(error)) from None
        if not waiting:
            return
        if time.monotonic() >= deadline:
            raise TransferFailed(Problem.TIMED_OUT, f"{waiting} bytes not taken in time")
        time.sleep(_DRAIN_POLL_SECONDS)
