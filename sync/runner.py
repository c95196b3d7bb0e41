"""The station's background sync: rounds on a timer, backoff with jitter while the hub is
away, and a status report for the header after each look at the queue."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from devices.backoff import Backoff
from kiosk.store.database import Store
from sync import station_state
from sync.client import HubUnreachable, SyncClient, SyncRefused
from sync.status import HubStatus

# While the hub will not take this station (a token refused, a database to accept), asking
# every few seconds helps nobody; the admin's fix is picked up within this time.
_REFUSED_RETRY_SECONDS = 60.0


def run_sync(
    client: SyncClient,
    store: Store,
    stop: threading.Event,
    report: Callable[[HubStatus], None],
    every: float,
    status_every: float = 2.0,
    backoff: Backoff | None = None,
) -> None:
    """Until `stop` is set: sync every `every` seconds, and report the queue more often.

    Only transport failures back off (1 s doubling to 5 minutes, full jitter, so stations
    that lost the hub together do not come back in lockstep); a success re-arms it.
    """
    backoff = backoff or Backoff(base=1.0, cap=300.0)
    online = False
    next_sync = time.monotonic()

    def status(receiving: tuple[int, int] | None = None) -> HubStatus:
        state = station_state.queue_state(store)
        return HubStatus(
            online, state.queued, state.issues, state.last_sync_at, state.blocked, receiving
        )

    def progress(done: int, total: int) -> None:
        if done < total:  # only a pull of several pages is worth showing
            report(status((done, total)))

    while not stop.is_set():
        if time.monotonic() >= next_sync:
            try:
                client.sync_once(progress)
                online = True
                backoff.reset()
                next_sync = time.monotonic() + every
            except HubUnreachable:
                online = False
                next_sync = time.monotonic() + backoff.next_delay()
            except SyncRefused as refused:
                online = True
                station_state.set_blocked(store, refused.detail)
                next_sync = time.monotonic() + _REFUSED_RETRY_SECONDS
        report(status())
        stop.wait(max(0.0, min(status_every, next_sync - time.monotonic())))
