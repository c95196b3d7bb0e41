"""Why a machine program did not reach its machine: shared by the folder and the DNC sender."""

from __future__ import annotations

from enum import StrEnum


class Problem(StrEnum):
    FOLDER_MISSING = "folder_missing"
    FOLDER_NOT_WRITABLE = "folder_not_writable"
    BAD_FILE_NAME = "bad_file_name"  # it would land outside the folder
    PORT_MISSING = "port_missing"
    PORT_ERROR = "port_error"  # there, but cannot be opened or broke during the send
    TIMED_OUT = "timed_out"  # the machine held XOFF (or took no bytes) for too long
    NOT_SENDABLE = "not_sendable"  # the program holds bytes the line takes as XON/XOFF


class TransferFailed(Exception):
    """The program was not delivered; `problem` says what failed, `detail` the system's words."""

    def __init__(self, problem: Problem, detail: str) -> None:
        super().__init__(f"{problem.value}: {detail}")
        self.problem = problem
        self.detail = detail
