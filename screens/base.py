"""What every station screen shares: its translator and one way to report worker failures."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from kiosk.clock import Clock
from kiosk.i18n import Translator
from kiosk.identity import SignedIn
from screens.widgets.station_header import StationHeader


def report_worker_failure(app: App[Any], tr: Translator, event: Worker.StateChanged) -> None:
    """A worker that raised: tell the person in their language; the data was not changed."""
    if event.state is not WorkerState.ERROR:
        return
    error = event.worker.error
    # The details go to the log; the person gets their language and the kind of failure.
    app.log.error(f"worker {event.worker.name} failed: {error!r}")
    app.bell()
    app.notify(tr("error.unexpected", error=type(error).__name__), severity="error", timeout=10)


class StationScreen(Screen[None]):
    def __init__(self, tr: Translator) -> None:
        super().__init__()
        self.tr = tr

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_worker_failure(self.app, self.tr, event)


class SignedInScreen(StationScreen):
    """A screen of someone signed in: the station, the clock and the person its header shows."""

    def __init__(self, tr: Translator, station: str, clock: Clock, user: SignedIn) -> None:
        super().__init__(tr)
        self._station = station
        self._clock = clock
        self.user = user

    def header(self) -> StationHeader:
        role = self.tr(f"role.{self.user.role.value}")
        return StationHeader(self._station, self.user.name, self.tr, self._clock, role=role)
