"""One inspection, unit by unit: a row per characteristic, the cursor moving on after each
answer, a measured value turning red at once when it is out of its limits. Values come
from the keys or from the gauge. Enter on the last row (or F2) records the unit; after the
last unit the inspection is judged, and a failed one can be dispositioned (F6)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Label, Static

from kiosk.clock import Clock
from kiosk.daily_check_values import CheckItem, CheckKind
from kiosk.i18n import Translator
from kiosk.identity import SignedIn
from kiosk.length_units import convert
from kiosk.qc_values import (
    CharacteristicKind,
    CharacteristicView,
    DispositionView,
    Entry,
    InspectionDetail,
    InspectionKind,
    InspectionStatus,
    SampleOutcome,
    judge_value,
)
from kiosk.work import Refusal, Refused
from screens.base import SignedInScreen
from screens.choice_prompt import ChoicePrompt
from screens.gauge_read import GaugeRead
from screens.widgets.check_rows import Answered, PassFailRow, ValueRow
from screens.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from kiosk.qc import QcService


@dataclass(frozen=True)
class _Measured(CheckItem):
    """A variable characteristic as a value row shows it: judged as the record judges it
    (rounded to its decimals first), so the colour on screen is the verdict kept."""

    char: CharacteristicView | None = None

    def within(self, value: float) -> bool:
        return self.char is None or judge_value(self.char, value)


class InspectionScreen(SignedInScreen):
    ACCEPTS_GAUGE = True
    BINDINGS = [
        Binding("f2", "record", "key.qc_record", key_display="F2"),
        Binding("f5", "spc", "key.qc_spc", key_display="F5"),
        Binding("f6", "disposition", "key.qc_disposition", key_display="F6"),
        Binding("f10", "back", "key.back", key_display="F10"),
        Binding("escape", "back", "key.back", show=False),
        Binding("up", "app.focus_previous", show=False),
        Binding("down", "app.focus_next", show=False),
    ]
    DEFAULT_CSS = """
    InspectionScreen #insp-title { width: 100%; padding: 0 1; text-style: bold; }
    InspectionScreen #insp-plan { height: auto; padding: 0 1; color: $text-muted; }
    InspectionScreen #insp-rows { height: 1fr; }
    InspectionScreen #insp-outcome { height: auto; padding: 0 1; text-style: bold; }
    InspectionScreen #insp-rows Static { padding: 0 1; }
    InspectionScreen #insp-rows .finding { color: $text-error; }
    """

    @dataclass
    class Recorded(Message):
        outcome: SampleOutcome

    @dataclass
    class Reloaded(Message):
        detail: InspectionDetail

    @dataclass
    class RefusedMessage(Message):
        reason: str

    def __init__(
        self,
        tr: Translator,
        station: str,
        clock: Clock,
        user: SignedIn,
        qc: QcService,
        detail: InspectionDetail,
    ) -> None:
        super().__init__(tr, station, clock, user)
        self._qc = qc
        self.detail = detail
        self._defects: dict[str, str] = {}  # attribute code → the defect found on this unit
        self._rows: list[PassFailRow | ValueRow] = []

    @property
    def sample_no(self) -> int:
        """The unit being entered: the one after those recorded."""
        return len(self.detail.samples) + 1

    @property
    def judged(self) -> bool:
        return self.detail.verdict is not InspectionStatus.OPEN

    def compose(self) -> ComposeResult:
        yield self.header()
        yield Label(self._title(), id="insp-title", markup=False)
        yield Static("", id="insp-plan", markup=False)
        yield VerticalScroll(id="insp-rows")
        yield Static("", id="insp-outcome", markup=False)
        yield KeyBar(self.tr)

    def on_mount(self) -> None:
        self._show_detail()

    # Workers: each blocking call answers with a message.

    @work(thread=True, exit_on_error=False, exclusive=True, group="record")
    def _record(self, sample_no: int, results: dict[str, Entry]) -> None:
        try:
            outcome = self._qc.record_sample(
                self.detail.summary.inspection_id, sample_no, results, self.user
            )
        except Refused as refused:
            self.post_message(self.RefusedMessage(refused.reason.value))
            return
        self.post_message(self.Recorded(outcome))

    @work(thread=True, exit_on_error=False, exclusive=True, group="reload")
    def _reload(self) -> None:
        inspection_id = self.detail.summary.inspection_id
        self.post_message(self.Reloaded(self._qc.detail(inspection_id, self.user.language)))

    def on_inspection_screen_recorded(self, message: Recorded) -> None:
        outcome = message.outcome
        for signal in outcome.signals:
            self.app.bell()
            name = self._char_name(signal.characteristic)
            text = self.tr("qc.spc_signal", characteristic=name, rule=signal.rule)
            self.notify(text, severity="error", timeout=20)
        if outcome.judged:
            self._say_verdict(outcome)
        else:
            unit = "qc.unit_ok" if all(r.passed for r in outcome.results) else "qc.unit_bad"
            if unit == "qc.unit_bad":
                self.app.bell()
            self._outcome(self.tr(unit, sample=outcome.sample_no))
        self._reload()

    def on_inspection_screen_reloaded(self, message: Reloaded) -> None:
        self.detail = message.detail
        self._show_detail()

    def on_inspection_screen_refused_message(self, message: RefusedMessage) -> None:
        self.app.bell()
        self.notify(self.tr(f"refusal.{message.reason}"), severity="error", timeout=8)
        if message.reason == Refusal.SAMPLE_INCOMPLETE:
            first = next((row for row in self._rows if row.answer() is None), None)
            if first is not None:
                first.focus_answer()
        elif message.reason == Refusal.INSPECTION_CLOSED:
            self._reload()

    # Entering a unit.

    def on_answered(self, message: Answered) -> None:
        """On to the next characteristic; a failed attribute first asks which defect."""
        message.stop()
        row = message.row
        assert isinstance(row, PassFailRow | ValueRow)  # the only rows here
        if isinstance(row, PassFailRow):
            char = self._char(row.item.code)
            answer = row.answer()
            if answer is not None and answer.passed is False and char.defects:
                if not message.enter:
                    self._ask_defect(row, char)
                    return
            elif answer is not None:
                self._defects.pop(char.code, None)
        self._next(row, message.enter)

    def _ask_defect(self, row: PassFailRow, char: CharacteristicView) -> None:
        choices = [(d.code, d.name) for d in char.defects]

        def chosen(code: str | None) -> None:
            if code is not None:
                self._defects[char.code] = code
            row.focus_answer()
            self._next(row, enter=False)

        prompt = ChoicePrompt(self.tr, "qc.defect_title", choices, translated=True)
        self.app.push_screen(prompt, chosen)

    def _next(self, row: PassFailRow | ValueRow, enter: bool) -> None:
        index = self._rows.index(row)
        if index + 1 < len(self._rows):
            self._rows[index + 1].focus_answer()
        elif enter:
            self.action_record()

    def on_gauge_read(self, message: GaugeRead) -> None:
        if self._busy():  # said, not lost without a word: measure again in a moment
            self.app.bell()
            self.notify(self.tr("qc.gauge_wait"), severity="warning")
            return
        if self.judged or message.value is None:
            self.app.bell()
            if message.value is None:
                problem = self.tr(f"gauge.problem.{message.problem}")
                text = self.tr("qc.gauge_unreadable", problem=problem)
            else:
                text = self.tr("qc.gauge_not_now")
            self.notify(text, severity="warning", timeout=8)
            return
        row = self._gauge_row()
        if row is None:
            self.notify(self.tr("qc.gauge_no_value_row"), severity="warning")
            return
        char = self._char(row.item.code)
        value = message.value
        if message.unit is not None and message.unit != char.unit:
            converted = convert(value, message.unit, char.unit)
            if converted is None:  # a length for a torque: not this characteristic's
                self.app.bell()
                text = self.tr("qc.gauge_wrong_unit", unit=message.unit, wanted=char.unit)
                self.notify(text, severity="error", timeout=10)
                return
            value = converted
        row.enter_value(f"{value:.{char.decimals}f}")
        self._next(row, enter=False)

    def _gauge_row(self) -> ValueRow | None:
        """The value row with the focus, else the first one still without a value."""
        values = [row for row in self._rows if isinstance(row, ValueRow)]
        focused = next((row for row in values if row.has_focus_within), None)
        return focused or next((row for row in values if row.answer() is None), None)

    # Actions.

    def _busy(self) -> bool:
        """A unit is being recorded, or the next one read: its rows are not the next unit's
        yet, so nothing may be entered into them."""
        return any(w.group in ("record", "reload") and not w.is_finished for w in self.workers)

    def action_record(self) -> None:
        if self.judged or self._busy():
            return  # judged already, or a second press (gloves) waits for the first
        results: dict[str, Entry] = {}
        for row in self._rows:
            answer = row.answer()
            if answer is None:
                continue
            code = row.item.code
            if answer.value is not None:
                results[code] = answer.value
            else:
                results[code] = (bool(answer.passed), self._defects.get(code, ""))
        self._record(self.sample_no, results)

    def action_spc(self) -> None:
        from screens.spc_chart import SpcChartScreen

        measured = [c for c in self.detail.characteristics if c.kind is CharacteristicKind.VARIABLE]
        if not measured:
            self.notify(self.tr("qc.no_measured"), severity="warning")
            return
        summary = self.detail.summary
        chart = SpcChartScreen(
            self.tr, self._station, self._clock, self.user, self._qc, summary.item_code, measured,
            plan_code=summary.plan_code,
        )  # fmt: skip
        self.app.push_screen(chart)

    def action_disposition(self) -> None:
        if self.detail.verdict is not InspectionStatus.FAILED or self.detail.disposition:
            self.notify(self.tr("refusal.not_failed"), severity="warning")
            return
        from screens.disposition import DispositionScreen

        def signed(view: DispositionView | None) -> None:
            if view is not None:
                self.notify(self.tr("qc.signed", number=view.number), timeout=10)
                self._reload()

        self.app.push_screen(DispositionScreen(self.tr, self._qc, self.user, self.detail), signed)

    def action_back(self) -> None:
        if any(w.group == "record" and not w.is_finished for w in self.workers):
            return  # its verdict is on its way: leave once it is shown
        self.dismiss()

    # Helpers.

    def _show_detail(self) -> None:
        self.query_one("#insp-plan", Static).update(self._plan_line())
        if self.judged:
            self._say_judged()
            self._set_rows([])
            self.query_one("#insp-rows", VerticalScroll).mount_all(self._findings())
            return
        self._defects.clear()
        self._set_rows([_row(self.tr, n, c) for n, c in enumerate(self.detail.characteristics, 1)])
        # The next unit starts at its first characteristic, once its rows are mounted.
        self.call_after_refresh(self._focus_first)

    def _focus_first(self) -> None:
        if self._rows:
            self._rows[0].focus_answer()

    def _set_rows(self, rows: list[PassFailRow | ValueRow]) -> None:
        box = self.query_one("#insp-rows", VerticalScroll)
        box.remove_children()
        self._rows = rows
        box.mount_all(rows)

    def _findings(self) -> list[Static]:
        """What a judged inspection found: each nonconforming unit with what failed on it,
        then how many conformed (what the disposition is about)."""
        lines = []
        for sample in self.detail.samples:
            if sample.conforming:
                continue
            failed = []
            for result in (r for r in sample.results if not r.passed):
                char = self._char(result.characteristic)
                if result.value is not None:
                    failed.append(f"{char.name} {result.value:.{char.decimals}f} {char.unit}")
                else:
                    defect = next((d.name for d in char.defects if d.code == result.defect), "")
                    failed.append(f"{char.name}: {defect}" if defect else char.name)
            text = self.tr("qc.unit_found", sample=sample.sample_no, found="; ".join(failed))
            lines.append(Static(text, markup=False, classes="finding"))
        good = sum(sample.conforming for sample in self.detail.samples)
        lines.append(Static(self.tr("qc.units_conform", count=good), markup=False))
        return lines

    def _plan_line(self) -> str:
        d = self.detail
        bad = sum(not s.conforming for s in d.samples)
        progress = self.tr(
            "qc.progress",
            sample=min(self.sample_no, d.summary.sample_size),
            size=d.summary.sample_size,
            bad=bad,
            accept=d.accept,
        )
        if d.summary.kind is InspectionKind.FINAL and d.lot_size is not None:
            lot = self.tr(
                "qc.lot_plan",
                lot=d.lot_size,
                letter=d.code_letter,
                size=d.summary.sample_size,
                accept=d.accept,
                reject=d.reject,
                severity=self.tr(f"qc.severity.{d.severity}"),
            )
            return f"{lot}\n{progress}"
        return progress

    def _say_verdict(self, outcome: SampleOutcome) -> None:
        passed = outcome.verdict is InspectionStatus.PASSED
        if not passed:
            self.app.bell()
        key = "qc.passed" if passed else "qc.failed"
        self._outcome(self.tr(key, bad=outcome.nonconforming or 0), passed)

    def _say_judged(self) -> None:
        d = self.detail
        passed = d.verdict is InspectionStatus.PASSED
        text = self.tr("qc.passed" if passed else "qc.failed", bad=d.nonconforming or 0)
        if d.disposition is not None:
            decision = self.tr(f"qc.decision.{d.disposition.decision.value}")
            text += "\n" + self.tr(
                "qc.dispositioned", decision=decision, signer=d.disposition.signer_name
            )
        elif not passed:
            text += "\n" + self.tr("qc.disposition_hint")
        self._outcome(text, passed)

    def _outcome(self, text: str, passed: bool | None = None) -> None:
        outcome = self.query_one("#insp-outcome", Static)
        colour = {True: "success", False: "error", None: "panel"}[passed]
        outcome.styles.background = self.app.theme_variables[colour]
        outcome.update(text)

    def _title(self) -> str:
        s = self.detail.summary
        kind = self.tr(f"qc.kind.{s.kind.value}")
        return f"{s.number}  {kind}  {s.operation or s.item_code}"

    def _char(self, code: str) -> CharacteristicView:
        return next(c for c in self.detail.characteristics if c.code == code)

    def _char_name(self, code: str) -> str:
        return next((c.name for c in self.detail.characteristics if c.code == code), code)


def _row(tr: Translator, number: int, char: CharacteristicView) -> PassFailRow | ValueRow:
    if char.kind is CharacteristicKind.VARIABLE:
        kind, lsl, usl, unit = CheckKind.VALUE, char.lsl, char.usl, char.unit
        return ValueRow(tr, number, _Measured(char.code, char.name, kind, lsl, usl, unit, char))
    passed = CheckItem(char.code, char.name, CheckKind.PASS_FAIL, None, None, "")
    return PassFailRow(tr, number, passed)
