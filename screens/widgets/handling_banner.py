"""The material handler's verdict, on the same full-width banner as the material check."""

from __future__ import annotations

from textual.widgets import Static

from kiosk.handling_values import HandlingResult
from screens.widgets.verdict_banner import VerdictBanner


class HandlingBanner(VerdictBanner):
    """Green for an accepted scan, red for a refusal, neutral with what to scan next."""

    # On a handheld the verdict is one coloured line: two tables must fit below it.
    DEFAULT_CSS = """
    HandlingBanner.-narrow #verdict { height: 1; }
    HandlingBanner.-narrow #why { height: 2; }
    """

    def wait(self, text: str) -> None:
        """Neutral again, saying what the mode expects (after a change of mode)."""
        verdict = self.query_one("#verdict", Static)
        verdict.styles.background = self.app.theme_variables["panel"]
        verdict.update(text, layout=False)
        self.query_one("#why", Static).update("", layout=False)

    def show_result(self, result: HandlingResult) -> None:
        verdict = self.query_one("#verdict", Static)
        # Inline colour and fixed sizes, as the material check's: no restyle, no layout.
        verdict.styles.background = self.app.theme_variables["success" if result.ok else "error"]
        word = self._tr(f"handling.verdict.{result.verdict.value}")
        spaced = " ".join(word)
        # Spaced out where it fits on one line: a short word reads better across a cell.
        fits = word.isascii() and len(spaced) <= verdict.size.width
        verdict.update(spaced if fits else word, layout=False)
        qty = f"{result.qty:g}"
        # The service's own reason for a bad label is a code; the parser's is its words.
        detail = result.detail
        if result.problem is not None:
            detail = self._tr(f"label_problem.{result.problem.value}", qty=qty)
        why = self._tr(
            f"handling.detail.{result.verdict.value}",
            lot=result.lot_no or "-",
            item=result.item_code or "-",
            qty=qty,
            order=result.work_order or "-",
            detail=detail,
        )
        self.query_one("#why", Static).update(why, layout=False)
