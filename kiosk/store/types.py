"""Column types SQLite lacks: timezone-aware UTC timestamps."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


def utc_text(value: datetime) -> str:
    """How a UTCDateTime column stores `value` (for statements run on the driver)."""
    if value.tzinfo is None:
        raise ValueError("naive datetime refused: use the clock's aware UTC time")
    return value.astimezone(UTC).isoformat(timespec="microseconds")


class UTCDateTime(TypeDecorator[datetime]):
    """Stored as ISO-8601 text with offset, read back as an aware UTC datetime.

    SQLite has no timestamp type; naive datetimes would silently lose the zone.
    """

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        return None if value is None else utc_text(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return datetime.fromisoformat(str(value)).astimezone(UTC)
