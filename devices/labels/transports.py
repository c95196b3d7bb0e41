"""Getting label bytes to a printer: raw TCP (port 9100), a serial line, a drop folder, CUPS.

Every failure a caller can outlast (printer off, cable out, queue stopped, slow network) is
raised as PrinterUnavailable, so the caller keeps the job and tries again later; the reason
says what happened in words an operator can pass on.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import serial


class PrinterUnavailable(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def send_tcp(host: str, port: int, data: bytes, timeout: float) -> None:
    """One connection, one job: connect, send everything, close (raw "JetDirect" printing).

    `timeout` bounds the connect and each send; a printer that stops reading fails the job.
    """
    try:
        with socket.create_connection((host, port), timeout=timeout) as connection:
            connection.sendall(data)
            # Printers take the end of the stream as the end of the job.
            connection.shutdown(socket.SHUT_WR)
    except OSError as error:  # refused, unreachable, unknown host, timed out, reset
        raise PrinterUnavailable(f"printer {host}:{port}: {_describe(error)}") from error


def send_serial(port_path: str | Path, baud: int, data: bytes, timeout: float) -> None:
    """Write the job to a printer on a serial port; `timeout` bounds the whole write."""
    try:
        with serial.Serial(
            str(port_path), baud, timeout=timeout, write_timeout=timeout, exclusive=True
        ) as port:
            written = port.write(data)
            port.flush()
    except (serial.SerialException, OSError, ValueError) as error:
        # pyserial raises ValueError for a baud rate the port refuses.
        raise PrinterUnavailable(f"printer on {port_path}: {_describe(error)}") from error
    if written != len(data):
        raise PrinterUnavailable(f"printer on {port_path}: wrote {written} of {len(data)} bytes")


def save_to_folder(folder: str | Path, name: str, data: bytes) -> Path:
    """Put the job in a folder a print server watches, whole or not at all; returns its path.

    Written to a hidden temporary file first and renamed: a watcher never sees half a job.
    A missing folder is not created: it is likely an unmounted share, and jobs written under
    its mount point would never print. A `name` that is not a plain file name is a
    programming error (ValueError), not an unavailable printer.
    """
    if not name or name in {".", ".."} or Path(name).name != name:
        raise ValueError(f"not a plain file name: {name!r}")
    folder = Path(folder)
    target = folder / name
    try:
        descriptor, temporary_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise PrinterUnavailable(f"print folder {folder}: {_describe(error)}") from error
    temporary = Path(temporary_name)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        # mkstemp makes it private; the print server that takes it is often another user.
        temporary.chmod(0o644)
        temporary.replace(target)
        _sync_directory(folder)
    except OSError as error:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise PrinterUnavailable(f"print folder {folder}: {_describe(error)}") from error
    return target


def send_cups(queue: str, data: bytes, timeout: float, *, raw: bool = False) -> None:
    """Submit the job to a CUPS queue with `lp`; `raw` passes it to the printer unfiltered
    (ZPL to a queue with a driver). Returns once CUPS has accepted the job, not printed it."""
    lp = shutil.which("lp")
    if lp is None:
        raise PrinterUnavailable(
            "the CUPS command `lp` is not installed (Debian: apt install cups-client)"
        )
    command = [lp, "-d", queue, *(["-o", "raw"] if raw else [])]
    try:
        result = subprocess.run(command, input=data, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired as error:
        raise PrinterUnavailable(f"CUPS queue {queue}: lp gave no answer in {timeout} s") from error
    except OSError as error:
        raise PrinterUnavailable(f"CUPS queue {queue}: {_describe(error)}") from error
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip() or f"exit {result.returncode}"
        raise PrinterUnavailable(f"CUPS queue {queue}: {message}")


def _sync_directory(folder: Path) -> None:
    # The rename is durable only once the directory itself is on disk.
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _describe(error: BaseException) -> str:
    if isinstance(error, TimeoutError):
        return "timed out"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__
