"""The repair record of a maintenance order: cause, actions, note, spare parts, labour.

F3 picks the cause and F4 adds an action from the plant's lists, in the technician's
language. A spare part is added by scanning its material label (part, lot and quantity), or
typed after F6 (the part, then its quantity and lot, or the label's text); F7 takes the last
one off again. The labour shows the time since the claim, in minutes, and may be corrected.
F2 sends; what is missing shows first, nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Label, Static

from kiosk.barcodes.formats import BarcodeSection
from kiosk.barcodes.meaning import MaterialLabel, interpret
from kiosk.i18n import Translator
from kiosk.maintenance_values import PartLine, RepairReason, RepairRecord, RepairSheet
from screens.choice_prompt import ChoicePrompt
from screens.form_modal import FormModal
from screens.scan_arrived import ScanArrived
from screens.text_prompt import TextPrompt
from screens.widgets.key_bar import KeyBar

_MAX_MINUTES = 7 * 24 * 60  # a stray extra digit must not become months of labour
_MAX_QTY = Decimal(1_000_000)
_NOTE_LENGTH = 500


class RepairForm(FormModal[RepairRecord | None]):
    ACCEPTS_SCANS = True  # a spare part's material label
    BINDINGS = [
        Binding("f2", "send", "key.maintenance_send", key_display="F2"),
        Binding("f3", "cause", "key.maintenance_cause", key_display="F3"),
        Binding("f4", "action", "key.maintenance_action", key_display="F4"),
        Binding("f6", "type_part", "key.maintenance_part", key_display="F6"),
        Binding("f7", "remove_part", "key.maintenance_remove_part", key_display="F7"),
        Binding("escape", "cancel", "key.cancel", key_display="Esc"),
    ]
    DEFAULT_CSS = """
    RepairForm > Vertical { width: 64; }
    RepairForm .row Label { width: 14; }
    RepairForm.-short .row Label { width: 10; }
    """

    def __init__(
        self,
        tr: Translator,
        sheet: RepairSheet,
        barcodes: BarcodeSection,
        draft: RepairRecord | None = None,
        refusal: str = "",
    ) -> None:
        """`draft` is a record sent before and refused (`refusal` says why, translated):
        the form comes back with all of it, so nothing the technician entered is lost."""
        super().__init__(tr)
        self._sheet = sheet
        self._barcodes = barcodes
        self._measured = str(round(sheet.labour_seconds / 60))
        self._refusal = refusal
        named = {reason.code: reason for reason in (*sheet.causes, *sheet.actions)}
        self.cause: RepairReason | None = None
        self.actions: list[RepairReason] = []
        self.parts: list[PartLine] = []
        self._labour, self._note = self._measured, ""
        if draft is not None:
            # A code the plant's lists no longer hold is chosen again (the refusal says so).
            self.cause = named.get(draft.cause)
            self.actions = [named[code] for code in draft.actions if code in named]
            self.parts = list(draft.parts)
            self._note = draft.note
            if draft.labour_seconds is not None:
                self._labour = str(round(draft.labour_seconds / 60))

    def compose(self) -> ComposeResult:
        order = self._sheet.order
        with Vertical():
            yield Label(
                self._tr("maintenance.form_title", number=order.number, equipment=order.equipment)
            )
            yield Static("", id="problem")
            with VerticalScroll(id="body"):
                yield Static("", id="cause")
                yield Static("", id="actions")
                yield Static("", id="parts")
                with Horizontal(classes="row"):
                    yield Label(self._tr("maintenance.labour"))
                    yield Input(self._labour, type="integer", id="labour")
                yield Static(self._tr("maintenance.labour_measured", minutes=self._measured))
                with Horizontal(classes="row"):
                    yield Label(self._tr("maintenance.note"))
                    yield Input(self._note, max_length=_NOTE_LENGTH, id="note")
            yield KeyBar(self._tr)

    def on_mount(self) -> None:
        self.on_resize()
        self._show()
        self.query_one("#note", Input).focus()
        if self._refusal:
            self._say(self._refusal)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "labour":
            self.query_one("#note", Input).focus()
        else:
            self.action_send()

    def on_scan_arrived(self, message: ScanArrived) -> None:
        meaning = interpret(message.scan.text, message.scan.symbology, self._barcodes)
        if isinstance(meaning, MaterialLabel):
            self._add_label(meaning)
        else:
            self._problem("maintenance.scan_not_part")

    # Keys.

    def action_cause(self) -> None:
        def chosen(code: str | None) -> None:
            if code is not None:
                self.cause = next(r for r in self._sheet.causes if r.code == code)
                self._show()

        self._choose("maintenance.cause_title", self._sheet.causes, chosen)

    def action_action(self) -> None:
        def chosen(code: str | None) -> None:
            if code is not None and code not in {action.code for action in self.actions}:
                self.actions.append(next(r for r in self._sheet.actions if r.code == code))
                self._show()

        self._choose("maintenance.action_title", self._sheet.actions, chosen)

    def action_type_part(self) -> None:
        def typed(text: str | None) -> None:
            if text is not None:
                self._typed_part(text)

        prompt = TextPrompt(self._tr, "maintenance.part_title", "maintenance.part_placeholder")
        self.app.push_screen(prompt, typed)

    def action_remove_part(self) -> None:
        if self.parts:
            self.parts.pop()
            self._show()

    def action_send(self) -> None:
        if self.cause is None:
            self._problem("maintenance.cause_needed")
            return
        if not self.actions:
            self._problem("maintenance.action_needed")
            return
        minutes = self.query_one("#labour", Input).value.strip()
        if not minutes.isdigit() or int(minutes) > _MAX_MINUTES:
            self._problem("maintenance.bad_minutes")
            return
        self.dismiss(
            RepairRecord(
                cause=self.cause.code,
                actions=tuple(action.code for action in self.actions),
                note=self.query_one("#note", Input).value.strip(),
                parts=tuple(self.parts),
                # Left as measured: the exact time since the claim, not the rounded minutes.
                labour_seconds=None if minutes == self._measured else int(minutes) * 60.0,
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)

    # Helpers.

    def _choose(
        self,
        title_key: str,
        reasons: tuple[RepairReason, ...],
        chosen: Callable[[str | None], None],
    ) -> None:
        if not reasons:
            self._problem("maintenance.no_reasons")
            return
        choices = [(reason.code, reason.name) for reason in reasons]
        self.app.push_screen(ChoicePrompt(self._tr, title_key, choices, translated=True), chosen)

    def _add_label(self, label: MaterialLabel) -> None:
        item = label.part or label.gtin
        if not item:
            self._problem("maintenance.bad_part")
            return
        self._add(item, label.qty if label.qty is not None else Decimal(1), label.lot or "")

    def _typed_part(self, text: str) -> None:
        """A label's text (typed or scanned into the prompt), or "part [quantity] [lot]"."""
        meaning = interpret(text, None, self._barcodes)
        if isinstance(meaning, MaterialLabel):
            self._add_label(meaning)
            return
        words = text.split()
        if len(words) > 3:
            self._problem("maintenance.bad_part")
            return
        try:
            qty = Decimal(words[1]) if len(words) > 1 else Decimal(1)
        except InvalidOperation:
            self._problem("maintenance.bad_part")
            return
        self._add(words[0], qty, words[2] if len(words) > 2 else "")

    def _add(self, item: str, qty: Decimal, lot: str) -> None:
        """One line per part and lot: the same lot again adds its quantity."""
        if not qty.is_finite() or qty <= 0 or qty > _MAX_QTY:
            self._problem("maintenance.bad_part")
            return
        for index, line in enumerate(self.parts):
            if (line.item_code, line.lot_no) == (item, lot):
                self.parts[index] = PartLine(item, line.qty + float(qty), lot)
                break
        else:
            self.parts.append(PartLine(item, float(qty), lot))
        self._clear_problem()
        self._show()

    def _show(self) -> None:
        none = self._tr("maintenance.none_yet")
        cause = self.cause.name if self.cause is not None else none
        actions = ", ".join(action.name for action in self.actions) or none
        parts = "; ".join(map(self._part_text, self.parts)) or self._tr("maintenance.scan_parts")
        self.query_one("#cause", Static).update(self._tr("maintenance.cause", name=cause))
        self.query_one("#actions", Static).update(self._tr("maintenance.actions", names=actions))
        self.query_one("#parts", Static).update(self._tr("maintenance.parts", parts=parts))

    def _part_text(self, line: PartLine) -> str:
        qty = f"{line.qty:g}"
        if line.lot_no:
            return self._tr("maintenance.part_line", item=line.item_code, qty=qty, lot=line.lot_no)
        return self._tr("maintenance.part_line_no_lot", item=line.item_code, qty=qty)
