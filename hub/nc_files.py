"""Machine program (NC) text for the importer: read from a file beside the import file, and
the checksum stations verify before they send a program to a machine."""

from __future__ import annotations

import hashlib
from pathlib import Path

# A program travels inside a pull page with up to thousands of other records: programs
# larger than this are drip-fed (DNC) from elsewhere, not sent through the terminals.
MAX_PROGRAM_BYTES = 2 * 1024 * 1024


class ProgramFileProblem(Exception):
    """Why a program's file cannot be used, as the problem list says it."""


def checksum(body: str) -> str:
    """The SHA-256 (hex) of the program's text as UTF-8: the bytes the machine gets."""
    return hashlib.sha256(body.encode()).hexdigest()


def read_program(folder: Path | None, name: str) -> str:
    """The text of `name`, a path relative to `folder` and inside it; bytes as they are
    (no newline translation), so the checksum is the file's own."""
    if folder is None:
        raise ProgramFileProblem("a file is read only from an import file; give the body")
    relative = Path(name)
    path = (folder / relative).resolve()
    if relative.is_absolute() or not path.is_relative_to(folder.resolve()):
        raise ProgramFileProblem(f"must be a path inside the import file's folder (got {name!r})")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ProgramFileProblem(f"{name!r} cannot be read ({exc.strerror})") from None
    if len(data) > MAX_PROGRAM_BYTES:
        raise ProgramFileProblem(f"{name!r} is larger than {MAX_PROGRAM_BYTES} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProgramFileProblem(f"{name!r} is not UTF-8 text (byte {exc.start})") from None
