"""One scan's verdict, full width: a word to read from two metres, then why in a line."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from kiosk.i18n import Translator
from kiosk.material_check import LabelProblem, MaterialVerdict, Verification


class VerdictBanner(Vertical):
    """Green for OK, red for every refusal, neutral while waiting for the first scan."""

    DEFAULT_CSS = """
    VerdictBanner { height: auto; }
    VerdictBanner #verdict {
        width: 100%; height: 5; content-align: center middle;
        text-style: bold; background: $panel; color: $text;
    }
    VerdictBanner #why { width: 100%; height: 2; padding: 0 1; }
    VerdictBanner.-narrow #verdict { height: 3; }
    VerdictBanner.-narrow #why { height: 3; }
    """

    def __init__(self, tr: Translator) -> None:
        super().__init__()
        self._tr = tr

    def compose(self) -> ComposeResult:
        yield Static(self._tr("material.waiting"), id="verdict")
        yield Static("", id="why")

    def show(self, result: Verification, hint: str = "") -> None:
        ok = result.verdict is MaterialVerdict.OK
        verdict = self.query_one("#verdict", Static)
        # An inline colour, not a class: a class change restyles the whole screen, which
        # took 15 ms a scan (bench/scan_verdict.py).
        colour = self.app.theme_variables["success" if ok else "error"]
        verdict.styles.background = colour
        word = self._tr(f"verdict.{result.verdict.value}")
        # Spaced out: a short word stays readable across a cell at 120 columns.
        # Fixed sizes, so a new verdict redraws the banner without laying the screen out.
        verdict.update(" ".join(word) if word.isascii() else word, layout=False)
        detail = result.detail
        if detail in _PROBLEMS:  # the service's own reason, not the parser's: in words
            detail = self._tr(f"label_problem.{detail}", qty=f"{result.qty:g}")
        why = self._tr(
            f"verdict.detail.{result.verdict.value}",
            lot=result.lot_no or "-",
            item=result.item_code or "-",
            qty=f"{result.qty:g}",
            detail=detail,
        )
        self.query_one("#why", Static).update(f"{why} {hint}".strip(), layout=False)

    def set_narrow(self, narrow: bool) -> None:
        self.set_class(narrow, "-narrow")


_PROBLEMS = {problem.value for problem in LabelProblem}
