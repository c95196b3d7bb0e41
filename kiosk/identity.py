"""Who is signed in and how a badge attempt ended: plain values, no storage.

Kept apart from `kiosk.auth` so screens can use them without loading the database layer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from kiosk.config import Language
from kiosk.roles import Permission, Role, may


class Outcome(StrEnum):
    OK = "ok"
    PIN_REQUIRED = "pin_required"
    UNKNOWN_BADGE = "unknown_badge"
    INACTIVE = "inactive"
    WRONG_PIN = "wrong_pin"
    PIN_NOT_SET = "pin_not_set"
    LOCKED = "locked"
    NOT_PERMITTED = "not_permitted"


class LogoutReason(StrEnum):
    MANUAL = "manual"
    IDLE = "idle"
    TERMINAL_CLOSED = "terminal_closed"


@dataclass(frozen=True)
class SignedIn:
    """One person's sign-in at this terminal."""

    session_id: str
    user_id: str
    employee_no: str
    name: str
    role: Role
    language: Language

    def may(self, permission: Permission) -> bool:
        return may(self.role, permission)


@dataclass(frozen=True)
class LoginResult:
    outcome: Outcome
    user: SignedIn | None = None
    name: str = ""
    attempts_left: int | None = None
    locked_until: datetime | None = None
