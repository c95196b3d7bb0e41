"""A QC inspector dispositions a failed inspection and signs it with their PIN.

What failed shows first, then the three decisions: 1 scrap, 2 rework, 3 concession (the
arrows and a tap choose too); Tab reaches the note. A decision shows the sentence the
signature means, from the service, and asks for the PIN; Enter (or F2) signs, once however
often it is pressed. A refused signature says why in the problem line and keeps the decision
and the note; Escape cancels until the signature is on its way. Answers the signed
disposition, or None.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from kiosk.i18n import Translator
from kiosk.identity import SignedIn
from kiosk.qc_values import Decision, DispositionView, InspectionDetail, InspectionKind
from kiosk.work import Refusal, Refused
from screens.base import report_worker_failure
from screens.form_modal import FormModal
from screens.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from kiosk.qc import QcService

_DECISIONS = (Decision.SCRAP, Decision.REWORK, Decision.CONCESSION)  # keys 1, 2, 3
_NOTE_LENGTH = 500  # what the service keeps


class DispositionScreen(FormModal[DispositionView | None]):
    BINDINGS = [
        # Enter in the PIN signs too; F2 signs wherever the focus is.
        Binding("f2", "sign", "key.disposition_sign", key_display="F2"),
        Binding("escape", "cancel", "key.cancel", key_display="Esc"),
        *(Binding(str(n), f"decide({n - 1})", show=False) for n in range(1, 4)),
    ]
    DEFAULT_CSS = """
    DispositionScreen > Vertical { width: 72; }
    DispositionScreen #finding { color: $text-warning; }
    DispositionScreen OptionList, DispositionScreen OptionList:focus {
        height: auto; border: none; padding: 0;
    }
    DispositionScreen #body { scrollbar-size-vertical: 1; }
    DispositionScreen #meaning {
        width: 100%; height: auto; display: none;
        border: round $warning; border-title-color: $warning; padding: 0 1;
    }
    DispositionScreen #meaning.-shown { display: block; }
    DispositionScreen #pin-row { display: none; }
    DispositionScreen #pin-row.-shown { display: block; }
    DispositionScreen .row Label { width: 8; }
    DispositionScreen.-short > Vertical { height: 100%; }
    DispositionScreen.-short #body { height: 1fr; }
    """

    @dataclass
    class Meant(Message):
        decision: Decision
        text: str

    @dataclass
    class Signed(Message):
        view: DispositionView

    @dataclass
    class RefusedMessage(Message):
        reason: Refusal

    def __init__(
        self, tr: Translator, qc: QcService, user: SignedIn, detail: InspectionDetail
    ) -> None:
        super().__init__(tr)
        self._qc = qc
        self._user = user
        self._detail = detail
        self.decision: Decision | None = None
        self._meant: Decision | None = None  # the decision whose sentence is on the glass
        self._signing = False

    def compose(self) -> ComposeResult:
        summary = self._detail.summary
        with Vertical():
            yield Label(self._tr("disposition.title", number=summary.number))
            yield Static("", id="problem")
            with VerticalScroll(id="body"):
                what = (self._tr(f"qc.kind.{summary.kind.value}"), summary.item_code)
                yield Static("  ".join((*what, summary.operation)).strip(), id="what")
                yield Static(self._finding(), id="finding")
                decisions = OptionList(
                    *(Option(f"{n}  {self._choice(d)}") for n, d in enumerate(_DECISIONS, 1)),
                    id="decisions",
                )
                decisions.highlighted = None  # nothing is decided for the inspector
                yield decisions
                with Horizontal(classes="row"):
                    yield Label(self._tr("disposition.note"))
                    placeholder = self._tr("disposition.note_placeholder")
                    yield Input(max_length=_NOTE_LENGTH, placeholder=placeholder, id="note")
            meaning = Static("", id="meaning")
            meaning.border_title = self._tr("disposition.you_sign")
            yield meaning
            with Horizontal(classes="row", id="pin-row"):
                yield Label(self._tr("disposition.pin"))
                yield Input(
                    password=True, placeholder=self._tr("disposition.pin_placeholder"), id="pin"
                )
            yield KeyBar(self._tr)

    def on_mount(self) -> None:
        self.on_resize()
        self.query_one("#decisions", OptionList).focus()

    # Choosing.

    def action_decide(self, index: int) -> None:
        """A digit chooses at once, and the PIN is asked for next."""
        if self._signing:
            return
        self.query_one("#decisions", OptionList).highlighted = index
        self._decide(_DECISIONS[index])
        self.query_one("#pin", Input).focus()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        # The highlight is the decision, however it moved (arrows, a digit, a tap). The list
        # highlights its first option when built; undone at once, that message comes stale.
        event.stop()
        if not self._signing and event.option_index == event.option_list.highlighted:
            self._decide(_DECISIONS[event.option_index])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self.decision is not None:
            self.query_one("#pin", Input).focus()

    def _decide(self, decision: Decision) -> None:
        if decision == self.decision:
            return
        self.decision, self._meant = decision, None
        # The old sentence goes at once: nobody signs what the box no longer means.
        self.query_one("#meaning", Static).remove_class("-shown")
        self.query_one("#pin-row").add_class("-shown")
        self._clear_problem()
        self.refresh_bindings()
        self._fetch_meaning(decision)

    @work(thread=True, exit_on_error=False, exclusive=True, group="meaning")
    def _fetch_meaning(self, decision: Decision) -> None:
        try:
            text = self._qc.meaning(
                self._detail.summary.inspection_id, decision, self._user, self._tr.language
            )
        except Refused as refused:
            self.post_message(self.RefusedMessage(refused.reason))
            return
        self.post_message(self.Meant(decision, text))

    def on_disposition_screen_meant(self, message: Meant) -> None:
        if message.decision != self.decision:
            return  # chosen otherwise meanwhile: that sentence is on its way
        self._meant = message.decision
        meaning = self.query_one("#meaning", Static)
        meaning.update(message.text)
        meaning.add_class("-shown")
        self.refresh_bindings()

    # Signing.

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_sign()

    def action_sign(self) -> None:
        if self._signing:
            return  # a second Enter (gloves) while the first signs
        if self.decision is None:
            self._problem("disposition.decide_first")
            return
        pin = self.query_one("#pin", Input)
        if self._meant is None or not pin.value:
            pin.focus()  # the sentence shows before anything is signed
            return
        self._signing = True
        self.query_one("#decisions", OptionList).disabled = True
        self.refresh_bindings()
        self._clear_problem()
        note = self.query_one("#note", Input).value
        self._sign(self.decision, note, pin.value)
        pin.clear()

    @work(thread=True, exit_on_error=False, group="sign")
    def _sign(self, decision: Decision, note: str, pin: str) -> None:
        try:
            view = self._qc.disposition(
                self._detail.summary.inspection_id,
                decision,
                note,
                pin,
                self._user,
                self._tr.language,
            )
        except Refused as refused:
            self.post_message(self.RefusedMessage(refused.reason))
            return
        self.post_message(self.Signed(view))

    def on_disposition_screen_signed(self, message: Signed) -> None:
        self.dismiss(message.view)

    def on_disposition_screen_refused_message(self, message: RefusedMessage) -> None:
        self._signed_nothing()
        self._problem(f"refusal.{message.reason.value}")
        if message.reason is Refusal.WRONG_PIN:
            self.query_one("#pin", Input).focus()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_worker_failure(self.app, self._tr, event)
        if event.state is not WorkerState.ERROR:
            return
        if event.worker.group == "sign":
            self._signed_nothing()
        elif event.worker.group == "meaning":
            self.decision = None  # the same key asks for the sentence again

    def _signed_nothing(self) -> None:
        self._signing = False
        self.query_one("#decisions", OptionList).disabled = False
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "sign":
            return None if self._signing or self._meant is None else True
        if action == "cancel":
            return None if self._signing else True  # the signature may already be kept
        return True

    def action_cancel(self) -> None:
        self.dismiss(None)

    # What failed.

    def _finding(self) -> str:
        detail = self._detail
        size = detail.summary.sample_size
        if detail.summary.kind == InspectionKind.FINAL:
            bad = detail.nonconforming if detail.nonconforming is not None else 0
            return self._tr("disposition.nonconforming", nonconforming=bad, sample_size=size)
        names = {char.code: char.name for char in detail.characteristics}
        failed = [
            result.characteristic
            for sample in detail.samples
            for result in sample.results
            if not result.passed
        ]
        checks = ", ".join(names.get(code, code) for code in dict.fromkeys(failed))
        if size == 1:
            return self._tr("disposition.unit_failed", checks=checks)
        units = sum(not sample.conforming for sample in detail.samples)
        return self._tr("disposition.units_failed", failed=units, sample_size=size, checks=checks)

    def _choice(self, decision: Decision) -> str:
        # A first article's decision also says what the operation does next.
        first = self._detail.summary.kind == InspectionKind.FIRST_ARTICLE
        explain = self._tr(f"disposition.explain.{decision.value}{'_first' if first else ''}")
        name = self._tr(f"qc.decision.{decision.value}")
        return self._tr("disposition.choice", decision=name, explain=explain)
