"""Delivering a machine program into the folder a machine reads (a local or mounted share).

The file appears whole or not at all: it is written under a hidden temporary name in the same
folder, flushed to disk, then renamed over the final name in one step, so a machine polling
the folder never loads half a program. Nothing is created outside the folder, the folder
itself included: a missing folder is an unmounted share to report, not one to invent.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from devices.nc_failure import Problem, TransferFailed


def write_program(folder: Path, file_name: str, data: bytes) -> Path:
    """Write `data` as `folder/file_name`, replacing an older file of that name; answers the
    file's path. Raises TransferFailed."""
    if file_name in ("", ".", "..") or Path(file_name).name != file_name or "\\" in file_name:
        raise TransferFailed(Problem.BAD_FILE_NAME, repr(file_name))
    if not folder.is_dir():
        raise TransferFailed(Problem.FOLDER_MISSING, f"{folder} is not a folder")
    final = folder / file_name
    temporary = folder / f".{file_name}.{secrets.token_hex(4)}.part"
    try:
        # O_EXCL: never write through a file (or link) someone else put there.
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except OSError as error:
        raise TransferFailed(Problem.FOLDER_NOT_WRITABLE, str(error)) from None
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        temporary.replace(final)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise TransferFailed(Problem.FOLDER_NOT_WRITABLE, str(error)) from None
    _sync_folder(folder)
    return final


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable. Some shares refuse to open or fsync a folder; the
    file's bytes are on disk by then, so that refusal is no reason to call the send failed."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
