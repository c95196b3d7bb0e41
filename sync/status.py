"""What the station shows about sync: plain values, so the header needs no store or HTTP."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class HubStatus:
    # Whether the last exchange with the hub got an answer.
    online: bool
    # Events recorded here and not yet answered by the hub.
    queued: int
    # Events the hub refused or flagged, for the team lead.
    issues: int
    last_sync_at: datetime | None
    # Why the hub will not take this station's events (waiting for an admin), or "".
    blocked: str = ""
    # Rows received of all there are, while a long pull (a new station's first) runs.
    receiving: tuple[int, int] | None = None
