"""The top line: station, who is signed in, the time, and how sync with the hub goes."""

from __future__ import annotations

from datetime import datetime

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label

from kiosk.clock import Clock
from kiosk.i18n import Translator
from sync.status import HubStatus

# The compact forms are glyphs and numbers only, the same in every language: ↑ is the
# number of records waiting to go to the hub.
_ONLINE, _OFFLINE, _STOPPED, _QUEUED, _ISSUES, _RECEIVING = "●", "○", "✖", "↑", "⚠", "↓"


class StationHeader(Horizontal):
    """Watches the app's `hub_status` (None while no hub is configured).

    Words are used where they fit; on a narrow terminal the role and then the hub's words
    give way to glyphs, so the station's id, the person and the clock stay whole.
    """

    DEFAULT_CSS = """
    StationHeader {
        dock: top;
        height: 1;
        background: $primary;
        color: $text;
        text-style: bold;
    }
    StationHeader Label { padding: 0 0 0 1; height: 1; }
    StationHeader #station-name {
        width: 1fr; min-width: 11; color: $text-muted;
        text-wrap: nowrap; text-overflow: ellipsis;
    }
    StationHeader #user { width: auto; max-width: 35%; }
    StationHeader #hub.-online { color: $success; }
    StationHeader #hub.-offline { color: $warning; }
    StationHeader #hub.-stopped { background: $error; color: $text; }
    StationHeader #issues { display: none; padding: 0 1; }
    StationHeader #issues.-shown { display: block; background: $warning; color: $text; }
    """

    def __init__(
        self, station: str, user: str, tr: Translator, clock: Clock, role: str = ""
    ) -> None:
        super().__init__()
        self._station = station
        self._user = user
        self._role = role
        self._tr = tr
        self._clock = clock
        self._status: HubStatus | None = None
        self._shown_time = self._time()

    def compose(self) -> ComposeResult:
        yield Label(self._station, id="station-name")
        yield Label(self._user, id="user")
        yield Label(self._shown_time, id="time")
        yield Label("", id="hub")
        yield Label("", id="issues")

    def on_mount(self) -> None:
        self.set_interval(1.0, self._tick)
        self.watch(self.app, "hub_status", self._show_hub, init=True)

    def on_resize(self) -> None:
        self._layout()

    def _time(self) -> str:
        return self._clock.now().astimezone().strftime("%H:%M")

    def _tick(self) -> None:
        # Once a minute, not every second: each update redraws the header, and a redraw
        # holds the GIL that a scan being judged on its thread is waiting for.
        now = self._time()
        if now != self._shown_time:
            self._shown_time = now
            self.query_one("#time", Label).update(now)

    def _show_hub(self, status: HubStatus | None) -> None:
        self._status = status
        hub = self.query_one("#hub", Label)
        stopped = status is not None and bool(status.blocked)
        hub.set_class(status is not None and status.online and not stopped, "-online")
        hub.set_class(not stopped and (status is None or not status.online), "-offline")
        hub.set_class(stopped, "-stopped")
        issues = status is not None and status.issues > 0
        self.query_one("#issues", Label).set_class(issues, "-shown")
        self._layout()

    def _layout(self) -> None:
        """The wordiest form that fits, down to glyphs and the person's name alone; the
        station takes what is left, never less than its id."""
        who = f"{self._user} · {self._role}" if self._role else self._user
        forms = [
            (who, self._hub_words(), self._issues_words()),
            (who, self._hub_glyphs(with_time=True), self._issues_glyphs()),
            (self._user, self._hub_glyphs(with_time=True), self._issues_glyphs()),
            (self._user, self._hub_glyphs(with_time=False), self._issues_glyphs()),
        ]
        chosen = next((form for form in forms if self._fits(form)), forms[-1])
        for label, text in zip(self._labels(), chosen, strict=True):
            label.update(text)

    def _fits(self, form: tuple[str, str, str]) -> bool:
        least = self.query_one("#station-name", Label).styles.min_width
        needed = int(least.value) if least is not None else 0
        time = self.query_one("#time", Label)
        for label, text in [(time, self._time()), *zip(self._labels(), form, strict=True)]:
            if text:  # an empty label is hidden
                needed += cell_len(text) + label.styles.gutter.width + label.styles.margin.width
        return needed <= self.size.width

    def _labels(self) -> list[Label]:
        return [self.query_one(selector, Label) for selector in ("#user", "#hub", "#issues")]

    def _hub_words(self) -> str:
        status, tr = self._status, self._tr
        if status is None:
            return tr("header.hub_none")
        if status.blocked:
            state = tr("header.hub_stopped")
        else:
            state = tr("header.hub_online" if status.online else "header.hub_offline")
        queue = (
            tr("header.hub_queued", count=status.queued)
            if status.queued
            else tr("header.hub_all_sent")
        )
        last = (
            tr("header.hub_receiving", done=status.receiving[0], total=status.receiving[1])
            if status.receiving is not None
            else tr("header.hub_synced", time=self._when(status.last_sync_at))
            if status.last_sync_at is not None
            else tr("header.hub_never_synced")
        )
        return f"{state} · {queue} · {last}"

    def _hub_glyphs(self, with_time: bool) -> str:
        status = self._status
        if status is None:
            return self._tr("header.hub_none")
        mark = _STOPPED if status.blocked else _ONLINE if status.online else _OFFLINE
        text = f"{mark} {_QUEUED}{status.queued}"
        if status.receiving is not None:
            return f"{text} {_RECEIVING}{status.receiving[0]}/{status.receiving[1]}"
        # While it answers, the last sync is a moment ago: the time says something only
        # once the hub is away or has stopped taking this station's records.
        stale = status.blocked or not status.online
        if with_time and stale and status.last_sync_at is not None:
            text += f" {self._when(status.last_sync_at)}"
        return text

    def _issues_words(self) -> str:
        count = self._status.issues if self._status is not None else 0
        return self._tr("header.sync_issues", count=count) if count else ""

    def _issues_glyphs(self) -> str:
        count = self._status.issues if self._status is not None else 0
        return f"{_ISSUES}{count}" if count else ""

    def _when(self, moment: datetime) -> str:
        """The time of day, or the date when it was not today."""
        local = moment.astimezone()
        same_day = local.date() == self._clock.now().astimezone().date()
        return local.strftime("%H:%M" if same_day else "%m-%d")
