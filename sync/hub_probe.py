"""Does the hub know this station? One authenticated hello, for `kiosk doctor`."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kiosk.config import HubSection


class Reach(StrEnum):
    OK = "ok"
    REFUSED = "refused"  # the hub answered no: an unknown token, another protocol
    UNREACHABLE = "unreachable"


@dataclass(frozen=True)
class HubAnswer:
    reach: Reach
    detail: str = ""
    station_id: str = ""
    work_centers: tuple[str, ...] = ()


def hello(hub: HubSection) -> HubAnswer:
    # Here, not at the top: httpx and pydantic are not needed to run a doctor without a hub.
    from sync.client import HubUnreachable, SyncRefused, exchange, http_client
    from sync.protocol import HELLO_PATH, HelloResponse

    try:
        with http_client(hub) as http:
            answer = exchange(http, HELLO_PATH, None, HelloResponse)
    except HubUnreachable as exc:
        return HubAnswer(Reach.UNREACHABLE, str(exc))
    except SyncRefused as exc:
        return HubAnswer(Reach.REFUSED, exc.detail)
    return HubAnswer(Reach.OK, "", answer.station_id, tuple(answer.work_centers))
