"""Shifts: which one a moment falls in, from the local start times in kiosk.toml."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta


def shift_start(now: datetime, starts: Sequence[str]) -> datetime:
    """The start (UTC) of the shift `now` falls in: the latest configured start time, in
    the station's local time, at or before `now`."""
    local = now.astimezone()
    times = [time.fromisoformat(start) for start in starts]
    candidates = [
        # A naive local time made aware by astimezone(): the station's zone, DST included.
        datetime.combine(local.date() - timedelta(days=back), at).astimezone()
        for back in (0, 1)
        for at in times
    ]
    return max(c for c in candidates if c <= local).astimezone(UTC)
