"""Station-made identifiers: UUIDv7, time-ordered and never reused."""

from __future__ import annotations

from uuid_utils.compat import uuid7


def new_id() -> str:
    return str(uuid7())
