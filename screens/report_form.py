"""The work report form: good and scrap quantities, partial or final, then the scrap reason.

Tab moves between the two fields, F3 makes the report final (or partial again), Enter or
F2 sends it; scrap asks for its reason from the plant's list before the form answers. On an
operation that binds serial numbers, a scrapped unit is scanned into the form: it counts as
scrap, one good fewer, and the report names it. Whether the report is final, and what is
wrong with it, show first: on a handheld the rest may have to scroll.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Label, Static

from kiosk.barcodes.formats import BarcodeSection
from kiosk.barcodes.meaning import SerialNumber, interpret
from kiosk.i18n import Translator
from kiosk.report_values import ReportRequest, ReportSheet, ScrapReason
from screens.choice_prompt import ChoicePrompt
from screens.form_modal import FormModal
from screens.scan_arrived import ScanArrived
from screens.widgets.key_bar import KeyBar

_MAX_QTY = 9_999_999  # a stray extra digit must not become a report of millions


class ReportForm(FormModal[ReportRequest | None]):
    ACCEPTS_SCANS = True  # a scrapped unit's serial number
    BINDINGS = [
        Binding("f2", "send", "key.report_send", key_display="F2"),
        Binding("f3", "final", "key.report_final", key_display="F3"),
        Binding("escape", "cancel", "key.cancel", key_display="Esc"),
    ]
    DEFAULT_CSS = """
    ReportForm > Vertical { width: 60; }
    ReportForm #final { width: 100%; text-style: bold; }
    ReportForm #final.-final { background: $warning; color: $text; }
    ReportForm .row Label { width: 12; }
    ReportForm.-short .row Label { width: 8; }
    """

    def __init__(
        self,
        tr: Translator,
        sheet: ReportSheet,
        reasons: Sequence[ScrapReason],
        barcodes: BarcodeSection,
    ) -> None:
        super().__init__(tr)
        self._sheet = sheet
        self._reasons = list(reasons)
        self._barcodes = barcodes
        self.final = False
        self.scrapped: list[str] = []

    def compose(self) -> ComposeResult:
        sheet = self._sheet
        task = f"{sheet.work_order} {sheet.seq} {sheet.operation}"
        with Vertical():
            yield Label(self._tr("report.title", task=task))
            yield Static("", id="final")
            yield Static("", id="problem")
            with VerticalScroll(id="body"):
                yield Static(
                    self._tr(
                        "report.progress",
                        good=sheet.qty_good,
                        scrap=sheet.qty_scrap,
                        planned=sheet.qty_planned,
                        remaining=sheet.remaining,
                    )
                )
                minutes = round(sheet.labour_seconds / 60)
                yield Static(self._tr("report.labour", minutes=minutes))
                if sheet.binds_serials:
                    yield Static(self._tr("report.serials", count=sheet.unreported_serials))
                with Horizontal(classes="row"):
                    yield Label(self._tr("report.good"))
                    prefill = str(sheet.unreported_serials) if sheet.binds_serials else ""
                    yield Input(prefill, type="integer", id="good")
                with Horizontal(classes="row"):
                    yield Label(self._tr("report.scrap"))
                    yield Input("", type="integer", id="scrap")
                if sheet.binds_serials:
                    yield Static(self._tr("report.scan_scrap"), id="scrapped")
            yield KeyBar(self._tr)

    def on_mount(self) -> None:
        self.on_resize()
        self._show_final()
        self.query_one("#good", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "good":
            self.query_one("#scrap", Input).focus()
        else:
            self.action_send()

    def on_scan_arrived(self, message: ScanArrived) -> None:
        """A scrapped unit scanned: one scrap more, one good fewer."""
        meaning = interpret(message.scan.text, message.scan.symbology, self._barcodes)
        if not self._sheet.binds_serials or not isinstance(meaning, SerialNumber):
            self._problem("report.scan_not_scrap")
            return
        if meaning.serial in self.scrapped:
            self._problem("report.scrap_twice")
            return
        self.scrapped.append(meaning.serial)
        good, scrap = self._quantity("good") or 0, self._quantity("scrap") or 0
        self.query_one("#good", Input).value = str(max(0, good - 1))
        self.query_one("#scrap", Input).value = str(scrap + 1)
        listed = self._tr("report.scrapped", serials=", ".join(self.scrapped))
        self.query_one("#scrapped", Static).update(listed)

    def action_final(self) -> None:
        self.final = not self.final
        self._show_final()

    def action_send(self) -> None:
        good, scrap = self._quantity("good"), self._quantity("scrap")
        if good is None or scrap is None:
            self._problem("report.bad_quantity")
            return
        if not scrap:
            self.dismiss(ReportRequest(good, 0, None, self.final))
            return
        if not self._reasons:
            self._problem("report.no_reasons")
            return
        scrapped = tuple(self.scrapped)

        def reason_given(reason: str | None) -> None:
            if reason is not None:
                self.dismiss(ReportRequest(good, scrap, reason, self.final, scrapped))

        choices = [(reason.code, f"{reason.code} {reason.name}") for reason in self._reasons]
        self.app.push_screen(
            ChoicePrompt(self._tr, "report.reason_title", choices, translated=True), reason_given
        )

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _quantity(self, field: str) -> int | None:
        text = self.query_one(f"#{field}", Input).value.strip()
        if not text:
            return 0
        if not text.isdigit() or int(text) > _MAX_QTY:
            return None
        return int(text)

    def _show_final(self) -> None:
        final = self.query_one("#final", Static)
        final.update(self._tr("report.final" if self.final else "report.partial"))
        final.set_class(self.final, "-final")
