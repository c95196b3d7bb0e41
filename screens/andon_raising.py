"""Raising an exception (andon) from a signed-in screen: Ctrl+A then a category's digit, or
one command sheet scanned. Shared by the operator's home and the material handler's, who
raise them most (a machine stopped, material short)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from textual import work
from textual.message import Message

from kiosk.andon_values import Category, OpenException, RaiseRequest
from kiosk.barcodes.meaning import Command
from kiosk.clock import Clock
from kiosk.i18n import Translator
from kiosk.identity import SignedIn
from kiosk.work import Refused
from screens.andon_raise import AndonRaise
from screens.base import SignedInScreen

if TYPE_CHECKING:
    from kiosk.andon import AndonService

# One command sheet per category raises an exception at once (severity medium).
ANDON_COMMANDS = {Command(f"andon_{c.value}"): f"raise_andon('{c.value}')" for c in Category}
_SAME_SHEET_SECONDS = 5.0  # a sheet read again this soon is the same andon, not a new one


class RaisesAndon(SignedInScreen):
    """A screen exceptions are raised from; `andon_task` says for which task."""

    @dataclass
    class AndonRaised(Message):
        exception: OpenException

    @dataclass
    class AndonRefused(Message):
        reason: str

    def __init__(
        self, tr: Translator, station: str, clock: Clock, user: SignedIn, andon: AndonService
    ) -> None:
        super().__init__(tr, station, clock, user)
        self._andon = andon
        self._command_andon: dict[str, float] = {}  # category → when its sheet was last read

    def andon_task(self) -> str | None:
        """The operation an exception raised now is about (None: the station's first work
        center's)."""
        return None

    def andon_raised(self, exception: OpenException) -> None:
        """Told once an exception raised here is committed (home refreshes its line)."""

    def action_andon(self) -> None:
        operation_id = self.andon_task()

        def answered(request: RaiseRequest | None) -> None:
            if request is not None:
                self._raise_andon(request)

        context = partial(self._andon.raise_context, operation_id)
        self.app.push_screen(AndonRaise(self.tr, context, operation_id), answered)

    def action_raise_andon(self, category: str) -> None:
        """A command sheet scanned: raised at once, unless it is the same sheet read again
        (a scanner's double read, a second pass) within a few seconds."""
        now = self._clock.monotonic()
        last = self._command_andon.get(category)
        self._command_andon[category] = now
        if last is not None and now - last < _SAME_SHEET_SECONDS:
            self.notify(self.tr("andon.already_raised"), severity="warning")
            return
        self._raise_andon(RaiseRequest(Category(category), operation_id=self.andon_task()))

    @work(thread=True, exit_on_error=False, group="andon")
    def _raise_andon(self, request: RaiseRequest) -> None:
        try:
            raised = self._andon.raise_exception(request, self.user)
        except Refused as refused:
            self.post_message(self.AndonRefused(refused.reason.value))
            return
        self.post_message(self.AndonRaised(raised))

    def on_raises_andon_andon_raised(self, message: AndonRaised) -> None:
        raised = message.exception
        category = self.tr(f"category.{raised.category}")
        severity = self.tr(f"severity.{raised.severity}")
        self.notify(self.tr("andon.raised", code=raised.code, category=category, severity=severity))
        self.andon_raised(raised)

    def on_raises_andon_andon_refused(self, message: AndonRefused) -> None:
        self.app.bell()
        self.notify(self.tr(f"refusal.{message.reason}"), severity="error", timeout=8)
