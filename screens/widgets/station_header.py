"""The top line: station, who is signed in, the time, and whether the hub is reachable."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label

from kiosk.clock import Clock
from kiosk.i18n import Translator


class StationHeader(Horizontal):
    """Watches the app's `hub_online` (True, False, or None for no hub configured)."""

    DEFAULT_CSS = """
    StationHeader {
        dock: top;
        height: 1;
        background: $primary;
        color: $text;
        text-style: bold;
    }
    StationHeader Label { padding: 0 0 0 1; height: 1; }
    StationHeader #station-name { width: 1fr; min-width: 11; color: $text-muted; }
    StationHeader #user { width: auto; max-width: 35%; }
    StationHeader #hub.-online { color: $success; }
    StationHeader #hub.-offline { color: $warning; }
    """

    def __init__(self, station: str, user: str, tr: Translator, clock: Clock) -> None:
        super().__init__()
        self._station = station
        self._user = user
        self._tr = tr
        self._clock = clock

    def compose(self) -> ComposeResult:
        yield Label(self._station, id="station-name")
        yield Label(self._user, id="user")
        yield Label(self._time(), id="time")
        yield Label("", id="hub")

    def on_mount(self) -> None:
        self.set_interval(1.0, self._tick)
        self.watch(self.app, "hub_online", self._show_hub, init=True)

    def _time(self) -> str:
        return self._clock.now().astimezone().strftime("%H:%M")

    def _tick(self) -> None:
        self.query_one("#time", Label).update(self._time())

    def _show_hub(self, online: bool | None) -> None:
        hub = self.query_one("#hub", Label)
        key = {True: "header.hub_online", False: "header.hub_offline", None: "header.hub_none"}
        hub.update(self._tr(key[online]))
        hub.set_class(online is True, "-online")
        hub.set_class(online is not True, "-offline")
